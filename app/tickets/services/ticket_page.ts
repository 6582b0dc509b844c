/*
 * The visitor's e-ticket page: every ticket of an order with its QR code, what it admits and when.
 * One self-contained HTML document (QR codes as inline SVG, no scripts, no outside requests), so
 * once it is open it keeps working without a network at the gate.
 */
import QRCode from 'qrcode'
import { escapeHtml } from '#core/html'
import { DateTime } from 'luxon'
import type TicketService from '#tickets/services/ticket_service'

type TicketView = Awaited<ReturnType<TicketService['ofOrder']>>[number]


const STATUS: Record<string, [string, string]> = {
  valid: ['可入园 Valid', 'ok'],
  used: ['已核销 Used', 'used'],
  refunding: ['退款中 Refunding', 'off'],
  refunded: ['已退款 Refunded', 'off'],
  reserved: ['待支付 Awaiting payment', 'off'],
}

const when = (date: Date, zone: string, format: string) => DateTime.fromJSDate(new Date(date)).setZone(zone).toFormat(format)

async function ticketCard(ticket: TicketView, pngUrl: (id: number) => string) {
  const [label, tone] = STATUS[ticket.status] ?? [ticket.status, 'off']
  const zone = ticket.timezone
  const qr = ticket.code ? await QRCode.toString(ticket.code, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }) : ''
  const rows: [string, string][] = [
    ['日期 Date', when(ticket.session.startsAt, zone, 'yyyy-MM-dd ccc HH:mm')],
    ['入园时间 Entry', `${when(ticket.window.opensAt, zone, 'HH:mm')} – ${when(ticket.window.closesAt, zone, 'HH:mm')}`],
    ['地点 Site', ticket.site],
  ]
  if (ticket.seat) rows.push(['座位 Seat', `${ticket.seat.section} ${ticket.seat.row}排 ${ticket.seat.label}座`])
  if (ticket.holder) rows.push(['持票人 Holder', `${ticket.holder.name} ${ticket.holder.idMasked ?? ''}`])
  if (ticket.partySize > 1) rows.push(['人数 People', String(ticket.partySize)])
  if (ticket.entriesLeft !== null && ticket.entriesLeft !== 1) rows.push(['剩余次数 Entries left', String(ticket.entriesLeft)])
  return `<article class="ticket ${tone}">
  <header><h2>${escapeHtml(ticket.product)}</h2><span class="status">${escapeHtml(label)}</span></header>
  ${qr ? `<div class="qr" role="img" aria-label="入园二维码 Entry QR code">${qr}</div><p class="code-note">No. ${ticket.id} · <a href="${escapeHtml(pngUrl(ticket.id))}" download="ticket-${ticket.id}.png">下载图片 Save as PNG</a></p>` : ''}
  <dl>${rows.map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl>
</article>`
}

export async function ticketPage(page: { venue: string; number: string; orderStatus: string; tickets: TicketView[]; pngUrl: (id: number) => string }) {
  const cards = await Promise.all(page.tickets.map((ticket) => ticketCard(ticket, page.pngUrl)))
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>电子票 E-tickets · ${escapeHtml(page.venue)}</title>
<style>
  body { margin: 0; font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; background: #f2f4f7; color: #111827; }
  main { max-width: 480px; margin: 0 auto; padding: 16px; }
  h1 { font-size: 20px; margin: 8px 0 2px; }
  .order { color: #4b5563; font-size: 14px; margin: 0 0 16px; }
  .ticket { background: #fff; border-radius: 14px; padding: 16px; margin-bottom: 16px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  .ticket header { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
  .ticket h2 { font-size: 18px; margin: 0; }
  .status { font-size: 13px; padding: 2px 8px; border-radius: 999px; white-space: nowrap; }
  .ok .status { background: #dcfce7; color: #166534; }
  .used .status { background: #e5e7eb; color: #374151; }
  .off .status { background: #fee2e2; color: #991b1b; }
  .qr { margin: 12px auto 4px; max-width: 280px; }
  .qr svg { width: 100%; height: auto; display: block; }
  .code-note { text-align: center; color: #6b7280; font-size: 13px; margin: 0 0 8px; }
  .code-note a { color: #2563eb; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 6px 12px; margin: 8px 0 0; font-size: 15px; }
  dt { color: #6b7280; }
  dd { margin: 0; }
  footer { color: #6b7280; font-size: 13px; text-align: center; margin: 8px 0 24px; }
</style>
</head>
<body>
<main>
  <h1>${escapeHtml(page.venue)}</h1>
  <p class="order">订单 Order ${escapeHtml(page.number)}</p>
  ${cards.join('\n')}
  <footer>入园时出示二维码；保持本页打开，离线也能使用。<br>Show the QR code at the gate; this page keeps working offline once open.</footer>
</main>
</body>
</html>`
}

/** A ticket's QR code alone, as a PNG (to save, print or send). */
export function ticketQrPng(code: string) {
  return QRCode.toBuffer(code, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 600 })
}
