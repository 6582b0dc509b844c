import type { HttpContext } from '@adonisjs/core/http'
import CheckinService from '#checkin/services/checkin_service'
import { CheckinRecords } from '#checkin/services/checkin_records'
import Devices from '#checkin/services/devices'
import { TicketKeys } from '#tickets/services/ticket_keys'
import { checkinSearchValidator, registerDeviceValidator, staffScanValidator } from '#checkin/validators/scan'

/** Check-in at the console: staff scans (scanner app), records, live counts, devices. */
export default class CheckinsController {
  async scan(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(staffScanValidator)
    const answer = await CheckinService.for(ctx.tenant!).scan({ ...input, direction: input.direction ?? 'entry', staffId: ctx.auth.user!.id as number })
    return { answer }
  }

  async index(ctx: HttpContext) {
    const filters = await checkinSearchValidator.validate(ctx.request.qs())
    return { checkins: await CheckinRecords.search(ctx.tenant!, filters) }
  }

  async live(ctx: HttpContext) {
    const { date } = await checkinSearchValidator.validate(ctx.request.qs())
    return { sessions: await CheckinRecords.live(ctx.tenant!, date) }
  }

  async devices(ctx: HttpContext) {
    return { devices: await Devices.for(ctx.tenant!).list() }
  }

  /** The device's key is in this answer only: configure the device with it now. */
  async registerDevice(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(registerDeviceValidator)
    return ctx.response.created(await Devices.for(ctx.tenant!).register(input))
  }

  /** A new ticket-signing key; codes signed by the old one keep working (gates keep its public key). */
  async rotateTicketKey(ctx: HttpContext) {
    const kid = await TicketKeys.rotate(ctx.tenant!)
    return { kid, keys: (await TicketKeys.list(ctx.tenant!)).map(({ kid: id, publicKey, status }) => ({ kid: id, publicKey, status })) }
  }

  async revokeDevice(ctx: HttpContext) {
    return { device: await Devices.for(ctx.tenant!).revoke(Number(ctx.params.id)) }
  }
}
