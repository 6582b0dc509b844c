/** Slugs that would collide with platform hosts, surfaces or common infrastructure names. */
export const RESERVED_SLUGS = [
  'www', 'admin', 'api', 'app', 'apps', 'platform', 'console', 'static', 'assets', 'cdn', 'img', 'images',
  'mail', 'smtp', 'imap', 'pop', 'ftp', 'ssh', 'vpn', 'ns1', 'ns2', 'dns', 'mx', 'webhooks', 'webhook',
  'device', 'devices', 'gate', 'health', 'status', 'docs', 'help', 'support', 'blog', 'news', 'shop',
  'pay', 'payment', 'payments', 'wechat', 'weixin', 'alipay', 'unionpay', 'sandbox', 'test', 'demo-admin',
  'login', 'logout', 'signup', 'register', 'auth', 'oauth', 'sso', 'account', 'accounts', 'billing',
  'tessera', 'root', 'system', 'internal', 'dev', 'staging', 'prod', 'localhost',
]
