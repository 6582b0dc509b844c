import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { purgeAllEndedFaceEnrollments } from '#checkin/services/face_enrollments'

export default class FacesPurge extends BaseCommand {
  static commandName = 'faces:purge'
  static description = 'Delete the faces of tickets that can no longer be used (web processes also do it hourly)'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { tenants, purged } = await purgeAllEndedFaceEnrollments()
    this.logger.info(`${purged} face enrollments deleted across ${tenants} venues`)
  }
}
