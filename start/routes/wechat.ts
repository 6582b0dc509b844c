/*
 * The venue's WeChat official account: WeChat calling its message server (webhooks), visitors
 * signing in with WeChat or a phone code and signing JS-SDK pages (visitor), and staff
 * configuring the account (console: credentials need channels:*, replies, templates and the menu
 * marketing:*).
 */
import router from '@adonisjs/core/services/router'
import { can, consoleApi, tenantSurface } from '#start/routes/tenant_surface'

const MessageServerController = () => import('#wechat/controllers/message_server_controller')
const WechatLoginController = () => import('#wechat/controllers/wechat_login_controller')
const PhoneLoginController = () => import('#wechat/controllers/phone_login_controller')
const JsSdkController = () => import('#wechat/controllers/js_sdk_controller')
const OfficialAccountController = () => import('#wechat/controllers/official_account_controller')
const AutoRepliesController = () => import('#wechat/controllers/auto_replies_controller')
const MessageTemplatesController = () => import('#wechat/controllers/message_templates_controller')
const CustomMenuController = () => import('#wechat/controllers/custom_menu_controller')

tenantSurface('webhooks', '/webhooks', () => {
  router.get('/wechat', [MessageServerController, 'verify'])
  router.post('/wechat', [MessageServerController, 'receive'])
})

tenantSurface('visitor', '/wechat', () => {
  router.get('/login', [WechatLoginController, 'start'])
  router.get('/callback', [WechatLoginController, 'callback'])
})

tenantSurface('visitor', '/api', () => {
  router.post('/account/phone-code', [PhoneLoginController, 'sendCode'])
  router.post('/account/phone-login', [PhoneLoginController, 'verifyCode'])
  router.get('/wechat/js-config', [JsSdkController, 'config'])
})

consoleApi(() => {
  router.get('/wechat/account', [OfficialAccountController, 'show']).use(can('channels:read'))
  router.put('/wechat/account', [OfficialAccountController, 'update']).use(can('channels:write'))
  router.post('/wechat/account/test', [OfficialAccountController, 'test']).use(can('channels:write'))
  router.get('/wechat/replies', [AutoRepliesController, 'show']).use(can('marketing:read'))
  router.put('/wechat/replies', [AutoRepliesController, 'update']).use(can('marketing:write'))
  router.get('/wechat/templates', [MessageTemplatesController, 'show']).use(can('marketing:read'))
  router.put('/wechat/templates', [MessageTemplatesController, 'update']).use(can('marketing:write'))
  router.get('/wechat/template-sends', [MessageTemplatesController, 'sends']).use(can('marketing:read'))
  router.get('/wechat/menu', [CustomMenuController, 'show']).use(can('marketing:read'))
  router.put('/wechat/menu', [CustomMenuController, 'update']).use(can('marketing:write'))
})
