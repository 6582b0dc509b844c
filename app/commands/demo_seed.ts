import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, seedDemo } from '#platform/services/demo_venues'
import { platformUrl, venueUrls } from '#tenancy/services/venue_urls'
import { seedDemoTiers } from '#members/services/member_tiers'

export default class DemoSeed extends BaseCommand {
  static commandName = 'demo:seed'
  static description = 'Create the demo venues, their staff and the platform staff (idempotent)'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { accounts, venues } = await seedDemo()
    for (const venue of venues) await seedDemoTiers(venue)
    this.logger.success(`Demo ready: ${venues.length} venues, ${accounts.length} accounts (password: ${DEMO_PASSWORD})`)
    for (const venue of venues) {
      const urls = venueUrls(venue)
      this.logger.info(`${venue.name}: visitor ${urls.visitor}  console ${urls.console}`)
    }
    this.logger.info(`Platform: ${platformUrl()}/platform/  (TOTP secret ${DEMO_TOTP_SECRET})`)
  }
}
