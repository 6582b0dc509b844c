/*
 * The box office (售票窗口): a clerk sells at the desk through the same checkout as visitors
 * (holds, booking rules, server prices, real-name claims), with sales channel `box_office`, no
 * visitor account, and the clerk as the actor; the buyer pays by scanning a QR code the desk shows
 * (WeChat Pay Native 扫码支付, Alipay 当面付 precreate), so no card reader or cash drawer is involved.
 */
import { auditLog } from '#identity/audit/audit_log'
import { invalid } from '#core/app_error'
import Checkout, { type CheckoutInput } from '#orders/services/checkout'
import type Order from '#orders/models/order'
import type { Actor } from '#orders/services/order_events'
import PaymentService from '#payments/services/payment_service'
import type { ChannelKind } from '#payments/channel'
import { runInTenant } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

/** The one method per channel that gives a QR code for the buyer's phone to scan. */
export const QR_METHODS: Partial<Record<ChannelKind, string>> = { wechat_pay: 'native', alipay: 'precreate' }

export type BoxOfficeSale = Omit<CheckoutInput, 'contact' | 'usePoints'> & { contact?: CheckoutInput['contact'] }

export default class BoxOffice {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new BoxOffice(tenant)
  }

  /**
   * Places the order (pending payment; a free one is issued at once). The clerk's key is kept
   * under the clerk's own prefix: a visitor's key can never answer a desk order, nor one clerk's another's.
   */
  async sell(sale: BoxOfficeSale, staffId: number, key: string) {
    const actor: Actor = { type: 'staff', id: staffId }
    return Checkout.for(this.tenant).place(
      { ...sale, contact: sale.contact ?? {} },
      {
        visitorId: null,
        idempotencyKey: `desk:${staffId}:${key}`,
        salesChannel: 'box_office',
        actor,
        onRecorded: (trx, order) =>
          auditLog.tenant(trx, {
            action: 'order.sold_at_box_office',
            subjectType: 'order',
            subjectId: order.number,
            after: { status: order.status, totalAmount: order.totalAmount, tickets: sale.items.reduce((sum, item) => sum + item.quantity, 0) },
          }),
      }
    )
  }

  /** A QR code for a pending order (a desk sale, or any order the buyer wants to pay at the desk). */
  async showQr(order: Order, ask: { channel: string; method?: string }, staffId: number, clientIp: string) {
    const channel = ask.channel as ChannelKind
    const method = QR_METHODS[channel]
    if (!method) throw invalid('channel', 'The box office shows a QR code to scan: choose wechat_pay (native) or alipay (precreate)', 'E_NOT_A_QR_CHANNEL')
    if (ask.method !== undefined && ask.method !== method) {
      throw invalid('method', `The box office shows a QR code to scan: ${channel} pays here by ${method} only`, 'E_NOT_A_QR_METHOD')
    }
    const payment = await PaymentService.for(this.tenant).start(order, { channel, method, payerVisitorId: null, clientIp }, { type: 'staff', id: staffId })
    await runInTenant(this.tenant, (trx) =>
      auditLog.tenant(trx, {
        action: 'payment.started_at_box_office',
        subjectType: 'order',
        subjectId: order.number,
        meta: { channel, method, outTradeNo: payment.outTradeNo, amount: payment.amount },
      })
    )
    return payment
  }
}
