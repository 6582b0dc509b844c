import type { HttpContext } from '@adonisjs/core/http'
import CheckinService from '#checkin/services/checkin_service'
import Devices from '#checkin/services/devices'
import { offlineList } from '#checkin/services/offline_list'
import { TicketKeys } from '#tickets/services/ticket_keys'
import { heartbeatValidator, offlineEntriesValidator, offlineListValidator, scanValidator } from '#checkin/validators/scan'

/** The API gates and handheld scanners call, signed with their device key (docs/devices.md). */
export default class DeviceApiController {
  /** Verify and consume one scan. */
  async scan(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(scanValidator)
    const device = ctx.device!
    const answer = await CheckinService.for(ctx.tenant!).scan({ ...input, direction: input.direction ?? 'entry', siteId: device.siteId, deviceId: device.id })
    return { answer }
  }

  /** Entries a gate admitted while offline; each is applied once (by nonce), and a ticket used twice is reported as a conflict. */
  async offlineEntries(ctx: HttpContext) {
    const { entries } = await ctx.request.validateUsing(offlineEntriesValidator)
    const device = ctx.device!
    const checkin = CheckinService.for(ctx.tenant!)
    const results = []
    for (const entry of entries) {
      const answer = await checkin.scan({ ...entry, direction: entry.direction ?? 'entry', siteId: device.siteId, deviceId: device.id, offline: true })
      results.push({ nonce: entry.nonce, result: answer.result, ok: answer.ok, conflict: answer.conflict ?? false, replayed: answer.replayed ?? false, message: answer.message })
    }
    return { results, conflicts: results.filter((result) => result.conflict).length }
  }

  /** The signed offline list (X-Tessera-Signature: <kid>.<Ed25519 signature of the body>). */
  async offlineList(ctx: HttpContext) {
    const ask = await offlineListValidator.validate(ctx.request.qs())
    const { body, signature } = await offlineList(ctx.tenant!, { ...ask, siteId: ctx.device!.siteId })
    return ctx.response.header('x-tessera-signature', signature).header('content-type', 'application/json; charset=utf-8').send(body)
  }

  async keys(ctx: HttpContext) {
    return { tenantId: ctx.tenant!.id, keys: (await TicketKeys.list(ctx.tenant!)).map(({ kid, publicKey, status }) => ({ kid, publicKey, status })) }
  }

  async heartbeat(ctx: HttpContext) {
    const report = await ctx.request.validateUsing(heartbeatValidator)
    await Devices.for(ctx.tenant!).heartbeat(ctx.device!, report)
    return { serverTime: new Date().toISOString(), device: { id: ctx.device!.id, name: ctx.device!.name, siteId: ctx.device!.siteId } }
  }
}
