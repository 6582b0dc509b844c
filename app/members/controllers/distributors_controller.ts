import type { HttpContext } from '@adonisjs/core/http'
import Distributors from '#members/services/distributors'
import { distributorStatement, statementCsv } from '#members/services/distributor_statements'
import {
  authoriseProductValidator,
  createDistributorValidator,
  depositMovementValidator,
  statementValidator,
  updateDistributorValidator,
} from '#members/validators/distributor'

const id = (ctx: HttpContext) => Number(ctx.params.id)

/** The venue's distributors and OTAs (分销) at the console. */
export default class DistributorsController {
  async index(ctx: HttpContext) {
    return { distributors: await Distributors.for(ctx.tenant!).list() }
  }

  async show(ctx: HttpContext) {
    return { distributor: await Distributors.for(ctx.tenant!).show(id(ctx)) }
  }

  async store(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(createDistributorValidator)
    ctx.response.status(201)
    return Distributors.for(ctx.tenant!).create(input)
  }

  async update(ctx: HttpContext) {
    const changes = await ctx.request.validateUsing(updateDistributorValidator)
    return { distributor: await Distributors.for(ctx.tenant!).update(id(ctx), changes) }
  }

  async rotateKey(ctx: HttpContext) {
    return Distributors.for(ctx.tenant!).rotateKey(id(ctx))
  }

  async authorise(ctx: HttpContext) {
    const { settlementPrice } = await ctx.request.validateUsing(authoriseProductValidator)
    return { product: await Distributors.for(ctx.tenant!).authorise(id(ctx), Number(ctx.params.productId), settlementPrice) }
  }

  async revoke(ctx: HttpContext) {
    await Distributors.for(ctx.tenant!).revoke(id(ctx), Number(ctx.params.productId))
    return ctx.response.noContent()
  }

  async moveDeposit(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(depositMovementValidator)
    ctx.response.status(201)
    return { movement: await Distributors.for(ctx.tenant!).moveDeposit(id(ctx), input, `staff:${ctx.auth.user?.id}`) }
  }

  async statement(ctx: HttpContext) {
    const { from, to, format } = await statementValidator.validate(ctx.request.qs())
    const statement = await distributorStatement(ctx.tenant!, id(ctx), from, to)
    if (format !== 'csv') return { statement }
    return ctx.response
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="distributor-${statement.distributor.id}-${from}-${to}.csv"`)
      .send(statementCsv(statement))
  }

  async callbacks(ctx: HttpContext) {
    return { deliveries: await Distributors.for(ctx.tenant!).callbacks(id(ctx)) }
  }
}
