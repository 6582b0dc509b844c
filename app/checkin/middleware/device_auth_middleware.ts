import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { signedPartsOf } from '#core/signed_requests'
import Devices, { type Device } from '#checkin/services/devices'

/** Device API requests are signed with the device's key (see Devices); the device rides on ctx. */
export default class DeviceAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    ctx.device = await Devices.for(ctx.tenant!).authenticate(signedPartsOf(ctx))
    return next()
  }
}

declare module '@adonisjs/core/http' {
  interface HttpContext {
    device?: Device
  }
}
