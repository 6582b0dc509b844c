/*
 * Orders and payments: checkout, paying and refunds for visitors (visitor API), orders and
 * refunds for staff, merchant accounts (console API), and the channels' notifications (webhooks).
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { can, consoleApi, tenantSurface } from '#start/routes/tenant_surface'

const VisitorOrdersController = () => import('#orders/controllers/visitor_orders_controller')
const ConsoleOrdersController = () => import('#orders/controllers/console_orders_controller')
const BoxOfficeController = () => import('#orders/controllers/box_office_controller')
const PaymentAccountsController = () => import('#payments/controllers/payment_accounts_controller')
const PaymentNotificationsController = () => import('#payments/controllers/payment_notifications_controller')
const TicketPagesController = () => import('#tickets/controllers/ticket_pages_controller')

const ORDER_NUMBER = /^T\d{6}[0-9A-Z]{10}$/
const CHANNEL = /^(wechat_pay|alipay|unionpay)$/

tenantSurface('visitor', '/api', () => {
  router.post('/orders', [VisitorOrdersController, 'store'])
  router.post('/orders/quote', [VisitorOrdersController, 'quote'])
  router
    .group(() => {
      router.get('/orders/:number', [VisitorOrdersController, 'show'])
      router.get('/orders/:number/tickets', [VisitorOrdersController, 'tickets'])
      router.get('/orders/:number/tickets/:id/qr.png', [TicketPagesController, 'png']).where('id', router.matchers.number())
      router.post('/orders/:number/cancel', [VisitorOrdersController, 'cancel'])
      router.post('/orders/:number/payments', [VisitorOrdersController, 'pay'])
      router.get('/orders/:number/refund-quote', [VisitorOrdersController, 'refundQuote'])
      router.post('/orders/:number/refunds', [VisitorOrdersController, 'refund'])
      router.get('/orders/:number/change-quote', [VisitorOrdersController, 'changeQuote'])
      router.post('/orders/:number/changes', [VisitorOrdersController, 'change'])
      router.post('/orders/:number/changes/:id/payments', [VisitorOrdersController, 'payChange']).where('id', router.matchers.number())
    })
    .where('number', ORDER_NUMBER)
  router.get('/account/orders', [VisitorOrdersController, 'index']).use(middleware.auth({ guards: ['visitor'] }))
})

consoleApi(() => {
  router.get('/orders', [ConsoleOrdersController, 'index']).use(can('orders:read'))
  // The box office (售票窗口): a sale at the desk, the QR code its buyer scans, the tickets to print.
  router.post('/orders', [BoxOfficeController, 'store']).use(can('orders:write'))
  router
    .group(() => {
      router.get('/orders/:number', [ConsoleOrdersController, 'show']).use(can('orders:read'))
      router.post('/orders/:number/payments', [BoxOfficeController, 'pay']).use(can('orders:write'))
      router.get('/orders/:number/tickets', [BoxOfficeController, 'tickets']).use(can('orders:write'))
      router.post('/orders/:number/cancel', [ConsoleOrdersController, 'cancel']).use(can('orders:write'))
      router.post('/orders/:number/refunds', [ConsoleOrdersController, 'refund']).use(can('refunds:write'))
      router.post('/orders/:number/changes', [ConsoleOrdersController, 'change']).use(can('refunds:write'))
    })
    .where('number', ORDER_NUMBER)
  router.post('/refunds/:id/approve', [ConsoleOrdersController, 'approveRefund']).where('id', router.matchers.number()).use(can('refunds:write'))
  router.post('/refunds/:id/reject', [ConsoleOrdersController, 'rejectRefund']).where('id', router.matchers.number()).use(can('refunds:write'))
  router.post('/refunds/:id/retry', [ConsoleOrdersController, 'retryRefund']).where('id', router.matchers.number()).use(can('refunds:write'))
  router.post('/tickets/:id/reissue', [ConsoleOrdersController, 'reissueTicket']).where('id', router.matchers.number()).use(can('orders:write'))
  router.post('/changes/:id/approve', [ConsoleOrdersController, 'approveChange']).where('id', router.matchers.number()).use(can('refunds:write'))
  router.post('/changes/:id/reject', [ConsoleOrdersController, 'rejectChange']).where('id', router.matchers.number()).use(can('refunds:write'))

  router.get('/payment-accounts', [PaymentAccountsController, 'index']).use(can('channels:read'))
  router
    .group(() => {
      router.get('/payment-accounts/:channel', [PaymentAccountsController, 'show']).use(can('channels:read'))
      router.put('/payment-accounts/:channel', [PaymentAccountsController, 'update']).use(can('channels:write'))
      router.post('/payment-accounts/:channel/test', [PaymentAccountsController, 'test']).use(can('channels:write'))
    })
    .where('channel', CHANNEL)
})

/* The e-ticket page an SMS or a WeChat message links to (the visitor H5 will take it over). */
tenantSurface('visitor', '', () => {
  router.get('/orders/:number', [TicketPagesController, 'show']).where('number', ORDER_NUMBER)
})

tenantSurface('webhooks', '/webhooks', () => {
  router.post('/payments/:channel', [PaymentNotificationsController, 'handle']).where('channel', CHANNEL)
})
