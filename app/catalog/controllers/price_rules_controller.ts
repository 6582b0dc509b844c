import type { HttpContext } from '@adonisjs/core/http'
import PriceRulesAdmin from '#catalog/services/price_rules_admin'
import { createPriceRuleValidator, updatePriceRuleValidator } from '#catalog/validators/price_rule'

/** A product's price rules (console). */
export default class PriceRulesController {
  async index({ params, tenant }: HttpContext) {
    return { priceRules: await PriceRulesAdmin.for(tenant!).listRules(Number(params.productId)) }
  }

  async store({ params, request, response, tenant }: HttpContext) {
    const input = await request.validateUsing(createPriceRuleValidator)
    return response.created({ priceRule: await PriceRulesAdmin.for(tenant!).createRule(Number(params.productId), input) })
  }

  async update({ params, request, tenant }: HttpContext) {
    const changes = await request.validateUsing(updatePriceRuleValidator)
    return { priceRule: await PriceRulesAdmin.for(tenant!).updateRule(Number(params.id), changes) }
  }

  async destroy({ params, response, tenant }: HttpContext) {
    await PriceRulesAdmin.for(tenant!).deleteRule(Number(params.id))
    return response.noContent()
  }
}
