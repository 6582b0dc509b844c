import type { HttpContext } from '@adonisjs/core/http'
import CustomMenu from '#wechat/services/custom_menu'
import { customMenuValidator } from '#wechat/validators/custom_menu'

/** The account's custom menu: as defined here and as WeChat has it (console). */
export default class CustomMenuController {
  async show(ctx: HttpContext) {
    return CustomMenu.for(ctx.tenant!).show()
  }

  async update(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(customMenuValidator)
    return CustomMenu.for(ctx.tenant!).publish(input)
  }
}
