import vine from '@vinejs/vine'
import { MESSAGE_MODES } from '#wechat/services/official_accounts'

/*
 * The official account's developer settings (开发 → 基本配置). Secrets may be left out of an
 * update to keep the stored ones; give new ones to rotate them.
 */
export const officialAccountValidator = vine.create({
  appId: vine.string().trim().regex(/^wx[0-9a-f]{16}$/i),
  appSecret: vine.string().trim().regex(/^[0-9a-f]{32}$/i).optional(),
  /** 令牌: 3 to 32 letters and digits. */
  token: vine.string().trim().regex(/^[A-Za-z0-9]{3,32}$/).optional(),
  /** 消息加解密密钥: 43 letters and digits. */
  encodingAesKey: vine.string().trim().regex(/^[A-Za-z0-9]{43}$/).optional(),
  messageMode: vine.enum(MESSAGE_MODES),
})
