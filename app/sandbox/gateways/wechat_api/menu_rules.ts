/*
 * WeChat's rules for a custom menu (自定义菜单), checked as menu/create checks them: 1 to 3
 * buttons, each either an action or 1 to 5 sub-buttons; names at most 16 bytes (sub-buttons 60);
 * click buttons need a key (128 bytes), view buttons a URL (1024 bytes).
 */
import { WechatFailure } from '#sandbox/gateways/wechat_api/errors'
import type { WechatMenuButton } from '#wechat/services/wechat_client'

const bytes = (text: unknown) => (typeof text === 'string' ? Buffer.byteLength(text) : 0)

/** The errcodes of a top-level and of a sub-button's faults. */
const CODES = {
  top: { type: 40017, name: 40018, key: 40019, url: 40020, nameBytes: 16 },
  sub: { type: 40024, name: 40025, key: 40026, url: 40027, nameBytes: 60 },
}

function checkAction(button: WechatMenuButton, codes: (typeof CODES)['top']) {
  if (!bytes(button.name) || bytes(button.name) > codes.nameBytes) throw new WechatFailure(codes.name)
  if (button.type === 'click') {
    if (!bytes(button.key) || bytes(button.key) > 128) throw new WechatFailure(codes.key)
  } else if (button.type === 'view') {
    if (!bytes(button.url) || bytes(button.url) > 1024 || !/^https?:\/\//.test(button.url!)) throw new WechatFailure(codes.url)
  } else {
    throw new WechatFailure(codes.type)
  }
}

export function checkMenu(buttons: unknown): WechatMenuButton[] {
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) throw new WechatFailure(40016)
  for (const button of buttons as WechatMenuButton[]) {
    if (!button.sub_button) {
      checkAction(button, CODES.top)
      continue
    }
    if (!bytes(button.name) || bytes(button.name) > CODES.top.nameBytes) throw new WechatFailure(CODES.top.name)
    if (!Array.isArray(button.sub_button) || button.sub_button.length < 1 || button.sub_button.length > 5) throw new WechatFailure(40023)
    for (const sub of button.sub_button) checkAction(sub, CODES.sub)
  }
  return buttons as WechatMenuButton[]
}
