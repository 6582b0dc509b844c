import { test } from '@japa/runner'
import { readAlipayBill, ALIPAY_DETAIL_COLUMNS, ALIPAY_SUMMARY_COLUMNS } from '#payments/alipay/bill'
import { unzipFiles, zipFiles } from '#payments/bills/bill_zip'
import { readWechatBill, WECHAT_BILL_COLUMNS, WECHAT_BILL_TOTAL_COLUMNS } from '#payments/wechat_pay/bill'

/** A WeChat bill of one payment of 80.00 with a 0.48 fee, and the totals given. */
function wechatBill(totals: string[]) {
  const row = Object.fromEntries(WECHAT_BILL_COLUMNS.map((column) => [column, '']))
  Object.assign(row, { 交易时间: '2026-11-25 10:00:00', 商户号: '1900000109', 微信订单号: '4200000001', 商户订单号: 'T1', 交易状态: 'SUCCESS', 应结订单金额: '80.00', 退款金额: '0.00', 手续费: '0.48' })
  const line = (values: string[]) => values.map((value) => `\`${value}`).join(',')
  return [WECHAT_BILL_COLUMNS.join(','), line(WECHAT_BILL_COLUMNS.map((column) => row[column])), WECHAT_BILL_TOTAL_COLUMNS.join(','), line(totals)].join('\r\n')
}

test.group('Finance: reading the channels’ bill files', () => {
  test('a WeChat bill is read to the fen, and refused when its totals do not add up or it is another merchant’s', ({ assert }) => {
    const [line] = readWechatBill(wechatBill(['1', '80.00', '0.00', '0.00', '0.48', '80.00', '0.00']), '1900000109')
    assert.deepInclude(line, { kind: 'payment', outTradeNo: 'T1', channelTradeNo: '4200000001', amount: 8000, fee: 48 })
    assert.equal(line.occurredAt.toISOString(), '2026-11-25T02:00:00.000Z')
    assert.throws(() => readWechatBill(wechatBill(['1', '80.01', '0.00', '0.00', '0.48', '80.01', '0.00']), '1900000109'), /totals do not add up/)
    assert.throws(() => readWechatBill(wechatBill(['1', '80.00', '0.00', '0.00', '0.48', '80.00', '0.00']), '1900000110'), /merchant 1900000109/)
    assert.throws(() => readWechatBill('not a bill', '1900000109'), /not a trade bill/)
  })

  test('an Alipay bill reads refunds by their request number and checks the summary', ({ assert }) => {
    const cells = (values: Record<string, string>, columns: readonly string[]) => columns.map((column) => `${values[column] ?? ''}\t`).join(',')
    const detail = [
      '#支付宝业务明细查询',
      ALIPAY_DETAIL_COLUMNS.join(','),
      cells({ 支付宝交易号: 'A1', 商户订单号: 'T1', 业务类型: '交易', 完成时间: '2026-11-25 10:00:00', '商家实收（元）': '50.00', '服务费（元）': '-0.30' }, ALIPAY_DETAIL_COLUMNS),
      cells({ 支付宝交易号: 'A1', 商户订单号: 'T1', 业务类型: '退款', 完成时间: '2026-11-25 11:00:00', '商家实收（元）': '-20.00', '退款批次号/请求号': 'R1', '服务费（元）': '0.12' }, ALIPAY_DETAIL_COLUMNS),
      '#-----业务明细列表结束-----',
    ].join('\r\n')
    const summary = (received: string) =>
      [ALIPAY_SUMMARY_COLUMNS.join(','), cells({ 门店编号: '合计', 交易订单总笔数: '1', 退款订单总笔数: '1', '商家实收（元）': received, '服务费（元）': '-0.18' }, ALIPAY_SUMMARY_COLUMNS)].join('\r\n')
    const lines = readAlipayBill(detail, summary('30.00'))
    assert.deepEqual(
      lines.map(({ kind, outTradeNo, outRefundNo, amount, fee }) => ({ kind, outTradeNo, outRefundNo, amount, fee })),
      [
        { kind: 'payment', outTradeNo: 'T1', outRefundNo: undefined, amount: 5000, fee: 30 },
        { kind: 'refund', outTradeNo: 'T1', outRefundNo: 'R1', amount: 2000, fee: -12 },
      ]
    )
    assert.throws(() => readAlipayBill(detail, summary('30.01')), /do not add up/)
  })

  test('bill archives: what is zipped unzips the same, and a corrupted entry is refused', ({ assert }) => {
    const files = [
      { name: '2088_20261125_业务明细.csv', data: Buffer.from('支付宝交易号,商户订单号\r\n'.repeat(50)) },
      { name: 'INN261125_88ZM_777290058110097', data: Buffer.alloc(0) },
    ]
    const archive = zipFiles(files)
    assert.deepEqual(
      unzipFiles(archive).map(({ name, data }) => ({ name, data: data.toString('hex') })),
      files.map(({ name, data }) => ({ name, data: data.toString('hex') }))
    )
    const corrupted = Buffer.from(archive)
    corrupted[60] ^= 0xff
    assert.throws(() => unzipFiles(corrupted))
    assert.throws(() => unzipFiles(Buffer.from('PK not really')), /no end record/)
  })
})
