/*
 * Alipay's RSA2 signatures (SHA256withRSA, base64), as its gateway makes and checks them:
 * - requests: the sorted `key=value` pairs of every parameter but `sign` (sign_type included);
 * - notifications and synchronous returns: the same without `sign` and `sign_type`;
 * - OpenAPI answers: the exact JSON text of the `<method>_response` value.
 * Empty values are left out of the content, as Alipay does.
 */
import { createSign, createVerify, generateKeyPair, generateKeyPairSync, type RSAKeyPairOptions } from 'node:crypto'
import { promisify } from 'node:util'
import type { SandboxResponse } from '#sandbox/sandbox_server'

export interface KeyPair {
  publicKey: string
  privateKey: string
}

const KEY_OPTIONS = {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
} satisfies RSAKeyPairOptions

export const newKeyPairSync = (): KeyPair => generateKeyPairSync('rsa', KEY_OPTIONS)
export const newKeyPair = (): Promise<KeyPair> => promisify(generateKeyPair)('rsa', KEY_OPTIONS)

export function signContent(params: Record<string, string>, exclude: string[]): string {
  return Object.keys(params)
    .filter((key) => !exclude.includes(key) && params[key] !== '')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&')
}

export const rsa2Sign = (content: string, privateKey: string) => createSign('RSA-SHA256').update(content, 'utf8').sign(privateKey, 'base64')

export function rsa2Verify(content: string, signature: string, publicKey: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(content, 'utf8').verify(publicKey, signature, 'base64')
  } catch {
    return false
  }
}

/** A message Alipay sends to the merchant (notification, synchronous return), with sign_type and sign added. */
export function signMessage(params: Record<string, string>, privateKey: string): Record<string, string> {
  return { ...params, sign_type: 'RSA2', sign: rsa2Sign(signContent(params, ['sign', 'sign_type']), privateKey) }
}

/** {"<method>_response": {...}, "sign": "..."}: alipay-sdk cuts the value's text out of the raw body to verify it. */
export function signedResponse(method: string, body: Record<string, unknown>, privateKey: string): SandboxResponse {
  const text = JSON.stringify(body)
  const key = `${method.replaceAll('.', '_')}_response`
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: `{"${key}":${text},"sign":"${rsa2Sign(text, privateKey)}"}`,
  }
}
