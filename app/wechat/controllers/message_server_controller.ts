import type { HttpContext } from '@adonisjs/core/http'
import MessageServer from '#wechat/services/message_server'

/**
 * WeChat calling the venue's message server (webhooks). The body is read raw (text/xml is not
 * parsed), as the signatures and the ciphertext cover it.
 */
export default class MessageServerController {
  async verify(ctx: HttpContext) {
    const echostr = await MessageServer.for(ctx.tenant!).verifyUrl(ctx.request.qs())
    return ctx.response.header('content-type', 'text/plain; charset=utf-8').send(echostr)
  }

  async receive(ctx: HttpContext) {
    const reply = await MessageServer.for(ctx.tenant!).receive(ctx.request.qs(), ctx.request.raw() ?? '')
    return ctx.response.header('content-type', reply.contentType).send(reply.body)
  }
}
