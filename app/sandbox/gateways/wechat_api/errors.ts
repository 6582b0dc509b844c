/*
 * WeChat's API answers: HTTP 200 with JSON; failures carry an errcode and an errmsg ending in a
 * request id (rid), with the same codes and texts as api.weixin.qq.com.
 */
import { randomBytes } from 'node:crypto'
import { json, type SandboxResponse } from '#sandbox/sandbox_server'

export const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40016: 'invalid button size',
  40017: 'invalid button type',
  40018: 'invalid button name size',
  40019: 'invalid button key size',
  40020: 'invalid button url size',
  40023: 'invalid sub button size',
  40024: 'invalid sub button type',
  40025: 'invalid sub button name size',
  40026: 'invalid sub button key size',
  40027: 'invalid sub button url size',
  40029: 'invalid code',
  40037: 'invalid template_id',
  40097: 'invalid args',
  40125: 'invalid appsecret',
  40163: 'code been used',
  40164: 'invalid ip, not in whitelist',
  41001: 'access_token missing',
  42001: 'access_token expired',
  45009: 'reach max api daily quota limit',
  46003: 'menu no exist',
  47001: 'data format error',
  47003: 'argument invalid!',
  48001: 'api unauthorized',
}

/** A failure as WeChat answers it. */
export class WechatFailure extends Error {
  constructor(
    readonly errcode: number,
    readonly detail?: string
  ) {
    super(`${ERRMSG[errcode] ?? 'error'}${detail ? ` ${detail}` : ''}`)
  }

  get response(): SandboxResponse {
    return json(200, { errcode: this.errcode, errmsg: `${this.message} rid: ${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}` })
  }
}

export const ok = (body: Record<string, unknown> = {}) => json(200, { errcode: 0, errmsg: 'ok', ...body })
