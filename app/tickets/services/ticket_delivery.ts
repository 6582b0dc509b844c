/*
 * Telling the visitor: tickets issued, order refunded, change confirmed, and tomorrow's visit.
 * Each message goes into the outbox in the same transaction as the change it tells about (so none
 * is sent for a change that rolled back), by SMS to the order's contact phone, by email to a buyer
 * with an account and an email, and by WeChat template message to the buyer's openid when the
 * venue has an official account. Sending happens later and is
 * retried; a failure never touches the order.
 */
import { DateTime } from 'luxon'
import { Outbox } from '#messaging/services/outbox'
import Order from '#orders/models/order'
import { orderAccessToken } from '#orders/services/checkout'
import { venueUrls } from '#tenancy/services/venue_urls'
import { enqueueTemplateMessage, type TemplateEvent } from '#wechat/services/template_messages'
import { openidOf } from '#wechat/services/visitor_identities'
import { eachTenant } from '#tenancy/services/each_tenant'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

type Announcement = TemplateEvent

const yuan = (fen: number) => (fen / 100).toFixed(2)

const EMAIL_SUBJECT: Record<Announcement, string> = {
  tickets_issued: '电子票 E-tickets',
  order_refunded: '退款 Refund',
  change_confirmed: '改签 Change confirmed',
  visit_reminder: '明日游览提醒 Your visit tomorrow',
}

/** The order's own page (with its access token, so a buyer without an account can open it). */
export function orderLink(tenant: Tenant, number: string) {
  return `${venueUrls(tenant).visitor}orders/${number}?token=${orderAccessToken(tenant, number)}`
}

async function facts(trx: TenantTransaction, order: Order) {
  const [row] = (
    await trx.rawQuery(
      `select string_agg(distinct p.name, '、') as products, min(s.starts_at) as starts_at, min(site.timezone) as timezone,
              count(*) filter (where t.status in ('valid', 'used'))::int as tickets
       from order_tickets t join products p on p.id = t.product_id join sessions s on s.id = t.session_id join sites site on site.id = s.site_id
       where t.order_id = ? and t.status not in ('changed', 'void')`,
      [order.id]
    )
  ).rows
  const visitDate = row.starts_at ? DateTime.fromJSDate(row.starts_at).setZone(row.timezone).toFormat('yyyy-MM-dd HH:mm') : ''
  return { productName: row.products ?? '', visitDate, tickets: row.tickets as number }
}

function smsText(tenant: Tenant, kind: Announcement, order: Order, about: Awaited<ReturnType<typeof facts>>, extra: { amount?: number }) {
  const link = orderLink(tenant, order.number)
  switch (kind) {
    case 'tickets_issued':
      return `【${tenant.name}】订单${order.number}已出票，${about.productName} ${about.visitDate}，共${about.tickets}张。入园请出示电子票：${link}`
    case 'order_refunded':
      return `【${tenant.name}】订单${order.number}已退款 ¥${yuan(extra.amount ?? 0)}，款项将原路退回。详情：${link}`
    case 'change_confirmed':
      return `【${tenant.name}】订单${order.number}已改签至 ${about.visitDate}，请使用新的电子票：${link}`
    case 'visit_reminder':
      return `【${tenant.name}】提醒：您预订的${about.productName}在 ${about.visitDate}，请按时入园。电子票：${link}`
  }
}

/**
 * Queues the messages for `kind` about `order`, in the caller's transaction. `key` tells apart
 * two announcements of the same kind (e.g. two refunds of one order) and makes a retry harmless.
 */
export async function announce(trx: TenantTransaction, tenant: Tenant, order: Order, kind: Announcement, options: { key?: string; amount?: number; reason?: string } = {}) {
  const about = await facts(trx, order)
  const key = `${kind}:${order.number}${options.key ? `:${options.key}` : ''}`
  if (order.contactPhone) {
    await Outbox.enqueue(trx, { channel: 'sms', recipient: order.contactPhone, template: kind, body: smsText(tenant, kind, order, about, options), dedupeKey: `sms:${key}`, orderId: order.id })
  }
  // A visitor with an account and an email gets the same by email.
  const visitor = order.visitorId ? await trx.from('visitors').where('id', order.visitorId).select('email').first() : null
  if (visitor?.email) {
    await Outbox.enqueue(trx, { channel: 'email', recipient: visitor.email, template: kind, subject: `${tenant.name} · ${EMAIL_SUBJECT[kind]} ${order.number}`, body: smsText(tenant, kind, order, about, options), dedupeKey: `email:${key}`, orderId: order.id })
  }
  const openid = order.visitorId ? await openidOf(trx, order.visitorId) : null
  await enqueueTemplateMessage(trx, tenant, {
    event: kind,
    openid,
    data: { orderNumber: order.number, productName: about.productName, visitDate: about.visitDate, quantity: about.tickets, amount: yuan(options.amount ?? order.paidAmount), reason: options.reason },
    orderId: order.id,
    dedupeKey: key,
    url: orderLink(tenant, order.number),
  })
}

/** The day before: a reminder for every order with tickets tomorrow (venue time). Safe to run often. */
export async function remindTomorrowsVisitors(tenant: Tenant) {
  return runInTenant(tenant, async (trx) => {
    const orders = await Order.query({ client: trx })
      .whereIn('status', ['issued', 'partially_refunded'])
      .whereIn(
        'id',
        trx
          .from('order_tickets as t')
          .join('sessions as s', 's.id', 't.session_id')
          .join('sites as site', 'site.id', 's.site_id')
          .where('t.status', 'valid')
          .whereRaw(`(s.starts_at at time zone site.timezone)::date = (now() at time zone site.timezone)::date + 1`)
          .select('t.order_id')
      )
    for (const order of orders) await announce(trx, tenant, order, 'visit_reminder')
    return orders.length
  })
}

export function remindAllTomorrowsVisitors() {
  return eachTenant((tenant) => remindTomorrowsVisitors(tenant), { status: 'active' })
}
