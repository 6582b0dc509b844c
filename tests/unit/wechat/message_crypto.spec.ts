/*
 * The official account's message crypto and XML, checked against WeChat's specification written
 * out step by step here (not through the code under test).
 */
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto'
import { test } from '@japa/runner'
import { MessageCipher, MessageCryptoError, signatureMatches, wechatSignature } from '#wechat/message_crypto'
import { buildWechatXml, parseWechatXml } from '#wechat/wechat_xml'

const ENCODING_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
const APP_ID = 'wx5823bf96d3bd56c7'
const key = Buffer.from(`${ENCODING_AES_KEY}=`, 'base64')

/** WeChat's layout: random(16) + big-endian length(4) + message + AppID, PKCS#7 to 32 bytes, AES-256-CBC, IV = key[0..16). */
function specEncrypt(message: string, appId = APP_ID) {
  const body = Buffer.from(message)
  const plain = Buffer.concat([Buffer.alloc(16, 7), Buffer.from([0, 0, body.length >> 8, body.length & 255]), body, Buffer.from(appId)])
  const pad = 32 - (plain.length % 32)
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false)
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64')
}

function specDecrypt(encrypted: string) {
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false)
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()])
  const plain = padded.subarray(0, padded.length - padded[padded.length - 1])
  const length = plain.readUInt32BE(16)
  return { message: plain.subarray(20, 20 + length).toString(), appId: plain.subarray(20 + length).toString(), padding: padded[padded.length - 1] }
}

test.group('WeChat message crypto', () => {
  test('signature: SHA-1 of the sorted parts concatenated', ({ assert }) => {
    const expected = createHash('sha1').update(['1409304348', 'token', 'xxxxxx'].sort().join('')).digest('hex')
    assert.equal(wechatSignature('token', '1409304348', 'xxxxxx'), expected)
    assert.isTrue(signatureMatches(expected, expected))
    assert.isFalse(signatureMatches(expected, expected.replace(/.$/, 'x')))
    assert.isFalse(signatureMatches(expected, undefined))
  })

  test('encrypts as the specification lays out, and decrypts what it lays out', ({ assert }) => {
    const cipher = new MessageCipher(ENCODING_AES_KEY, APP_ID)
    for (const message of ['', '<xml><Content><![CDATA[你好]]></Content></xml>', 'x'.repeat(300)]) {
      const encrypted = cipher.encrypt(message)
      const opened = specDecrypt(encrypted)
      assert.deepInclude(opened, { message, appId: APP_ID })
      assert.isAtLeast(opened.padding, 1)
      assert.isAtMost(opened.padding, 32)
      assert.equal(Buffer.from(encrypted, 'base64').length % 32, 0)
      assert.equal(cipher.decrypt(specEncrypt(message)), message)
    }
  })

  test('refuses another AppID, a tampered ciphertext and a bad key', ({ assert }) => {
    const cipher = new MessageCipher(ENCODING_AES_KEY, APP_ID)
    assert.throws(() => cipher.decrypt(specEncrypt('hello', 'wx0000000000000000')), MessageCryptoError)
    const tampered = Buffer.from(specEncrypt('hello'), 'base64')
    tampered[tampered.length - 1] ^= 1
    assert.throws(() => cipher.decrypt(tampered.toString('base64')), MessageCryptoError)
    assert.throws(() => cipher.decrypt('not base64 of blocks'), MessageCryptoError)
    assert.throws(() => new MessageCipher('short', APP_ID), MessageCryptoError)
  })
})

test.group('WeChat XML', () => {
  test('reads CDATA, bare text with entities, and nested fields; writes CDATA and numbers', ({ assert }) => {
    const xml =
      '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>1348831860</CreateTime><Content><![CDATA[a]]]]><![CDATA[>b]]></Content>' +
      '<Label>x &lt; y &amp; z</Label><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType></ScanCodeInfo></xml>'
    assert.deepEqual(parseWechatXml(xml), { ToUserName: 'gh_1', CreateTime: '1348831860', Content: 'a]]>b', Label: 'x < y & z', ScanType: 'qrcode' })
    assert.equal(buildWechatXml({ Content: 'a]]>b', CreateTime: 7 }), '<xml><Content><![CDATA[a]]]]><![CDATA[>b]]></Content><CreateTime>7</CreateTime></xml>')
    assert.deepEqual(parseWechatXml(buildWechatXml({ Content: '<a href="x">购票</a>' })), { Content: '<a href="x">购票</a>' })
    assert.deepEqual(parseWechatXml('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><A>&e;</A></xml>'), { A: '&e;' })
  })
})
