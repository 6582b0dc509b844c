/*
 * Builds the channel implementation for a merchant account, pointed at the configured gateways.
 */
import type { ChannelKind, PaymentChannel } from '#payments/channel'
import type { ChannelCredentials } from '#payments/credentials'
import { gatewayUrls } from '#payments/gateways'
import { createWechatPayChannel } from '#payments/wechat_pay/wechat_pay_channel'
import { createAlipayChannel } from '#payments/alipay/alipay_channel'
import { createUnionPayChannel } from '#payments/unionpay/unionpay_channel'

export function createChannel<K extends ChannelKind>(kind: K, credentials: ChannelCredentials[K]): PaymentChannel {
  const urls = gatewayUrls()
  switch (kind) {
    case 'wechat_pay':
      return createWechatPayChannel(credentials as ChannelCredentials['wechat_pay'], { baseUrl: urls.wechatPay })
    case 'alipay':
      return createAlipayChannel(credentials as ChannelCredentials['alipay'], { gateway: urls.alipayGateway, endpoint: urls.alipayEndpoint })
    case 'unionpay':
      return createUnionPayChannel(credentials as ChannelCredentials['unionpay'], { baseUrl: urls.unionpay })
  }
  throw new Error(`Unknown channel ${kind}`)
}
