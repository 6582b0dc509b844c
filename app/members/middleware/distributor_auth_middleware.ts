import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { signedPartsOf } from '#core/signed_requests'
import Distributors, { type Distributor } from '#members/services/distributors'

/** Distributor API requests are signed with the distributor's key (see Distributors); the distributor rides on ctx. */
export default async function distributorAuth(ctx: HttpContext, next: NextFn) {
  ctx.distributor = await Distributors.for(ctx.tenant!).authenticate(signedPartsOf(ctx))
  return next()
}

declare module '@adonisjs/core/http' {
  interface HttpContext {
    distributor?: Distributor
  }
}
