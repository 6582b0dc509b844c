import { test } from '@japa/runner'
import ExcelJS from 'exceljs'
import { HOLDER_ID, rows, today, tradingDay } from '#tests/functional/reports/report_fixtures'
import type Tenant from '#tenancy/models/tenant'

/** RFC 4180, read back independently of the writer: quoted fields, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"') quoted = true
    else if (char === ',') {
      record.push(field)
      field = ''
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i++
    } else field += char
  }
  if (field || record.length) records.push([...record, field])
  return records
}

/** Downloads with an API token (the browser does it with its session); the raw bytes. */
async function download(tenant: Tenant, token: string, path: string) {
  const response = await fetch(`http://${process.env.HOST}:${process.env.PORT}/t/${tenant.slug}/console/api${path}`, { headers: { authorization: `Bearer ${token}` } })
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) }
}

const yuan = (fen: number) => (fen / 100).toFixed(2)

test.group('Reports: exports', () => {
  test('CSV exports open in Excel as written: BOM, quoting, formula cells neutralised, masked numbers, filters', async ({ client, assert }) => {
    const day = await tradingDay(client)
    const { tenant, owner } = day
    const { token } = (await owner.post('/tokens', { name: 'exports', abilities: ['reports:read'] })).body()
    const range = `from=${today()}&to=${today()}`

    const orders = await download(tenant, token.plainToken, `/reports/exports/orders?${range}`)
    assert.equal(orders.status, 200)
    assert.equal(orders.headers.get('content-type'), 'text/csv; charset=utf-8')
    assert.match(orders.headers.get('content-disposition')!, new RegExp(`attachment; filename="orders_${today()}_${today()}.csv"`))
    assert.deepEqual([...orders.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf])
    const [header, ...lines] = parseCsv(orders.bytes.subarray(3).toString('utf8'))
    assert.deepEqual(header.slice(0, 4), ['订单号', '状态', '销售渠道', '支付渠道'])
    const table = lines.map((line) => Object.fromEntries(header.map((name, index) => [name, line[index]])))
    const stored = await rows(tenant, 'orders')
    assert.sameMembers(table.map((row) => row['订单号']), stored.map((order) => order.number))
    for (const order of stored) {
      const row = table.find((candidate) => candidate['订单号'] === order.number)!
      assert.deepInclude(row, { 状态: order.status, 订单金额: yuan(order.total_amount), 实付金额: yuan(order.paid_amount), 已退金额: yuan(order.refunded_amount), 联系电话: '137****1111' })
    }
    const wechat = table.find((row) => row['订单号'] === day.orders.wechat.number)!
    // A contact named "=1+2" must not become a formula in a spreadsheet.
    assert.equal(wechat['联系人'], "'=1+2")
    assert.deepInclude(wechat, { 支付渠道: 'wechat_pay', 票数: '2', 票面金额: '160.00' })
    assert.deepInclude(table.find((row) => row['订单号'] === day.orders.alipay.number)!, { 优惠金额: '3.33', 优惠码: 'SAVE333', 订单金额: '206.67' })
    assert.equal(table.find((row) => row['订单号'] === day.orders.free.number)!['支付渠道'], 'free')

    // Filters: status, channel, product.
    const parsed = async (path: string) => parseCsv((await download(tenant, token.plainToken, path)).bytes.subarray(3).toString('utf8')).slice(1)
    assert.deepEqual((await parsed(`/reports/exports/orders?${range}&status=refunded`)).map((line) => line[0]), [day.orders.unionpay.number])
    assert.deepEqual((await parsed(`/reports/exports/orders?${range}&channel=alipay`)).map((line) => line[0]), [day.orders.alipay.number])
    assert.sameMembers(
      (await parsed(`/reports/exports/orders?${range}&productId=${day.products.b}`)).map((line) => line[0]),
      [day.orders.alipay.number, day.orders.unionpay.number]
    )

    // Tickets: holders' ID numbers masked, their names guarded too.
    const tickets = await parsed(`/reports/exports/tickets?${range}&channel=wechat_pay`)
    assert.lengthOf(tickets, 2)
    const holder = tickets.find((line) => line.includes('110105********002X'))!
    assert.include(holder, "'@SUM(A1)")
    assert.notInclude(tickets.flat().join(','), HOLDER_ID)
    assert.deepEqual(tickets.map((line) => line[5]).sort(), ['refunded', 'used'])

    // Check-ins and refunds.
    const checkins = await parsed(`/reports/exports/checkins?${range}&status=admitted`)
    assert.lengthOf(checkins, 2)
    const refunds = await parsed(`/reports/exports/refunds?${range}`)
    const storedRefunds = await rows(tenant, 'refunds')
    assert.sameMembers(refunds.map((line) => line[0]), storedRefunds.map((refund) => refund.out_refund_no))
    const partial = refunds.find((line) => line[0] === day.refunds.partial)!
    assert.deepEqual(partial.slice(1, 8), [day.orders.wechat.number, 'staff', 'succeeded', '70.00', '10.00', 'wechat_pay', '1'])

    ;(await owner.get(`/reports/exports/orders?${range}&format=pdf`)).assertStatus(422)
    ;(await owner.get(`/reports/exports/visitors?${range}`)).assertStatus(404)
    const audit = await rows(tenant, 'audit_logs')
    assert.isTrue(audit.some((entry) => entry.action === 'report.exported' && entry.subject_id === 'orders' && entry.actor_type === 'staff'))
  })

  test('XLSX exports open with exceljs: money as numbers, the same rows as the tables', async ({ client, assert }) => {
    const day = await tradingDay(client)
    const { tenant, owner } = day
    const { token } = (await owner.post('/tokens', { name: 'exports', abilities: ['reports:read'] })).body()
    const file = await download(tenant, token.plainToken, `/reports/exports/orders?from=${today()}&to=${today()}&format=xlsx`)
    assert.equal(file.status, 200)
    assert.equal(file.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(file.bytes as any)
    const sheet = workbook.getWorksheet('orders')!
    const header = (sheet.getRow(1).values as any[]).slice(1)
    assert.deepEqual(header.slice(0, 2), ['订单号', '状态'])
    const column = (name: string) => header.indexOf(name) + 1
    const stored = await rows(tenant, 'orders')
    assert.equal(sheet.actualRowCount, stored.length + 1)
    for (let r = 2; r <= sheet.actualRowCount; r++) {
      const row = sheet.getRow(r)
      const order = stored.find((candidate) => candidate.number === row.getCell(column('订单号')).value)!
      assert.exists(order)
      assert.strictEqual(row.getCell(column('订单金额')).value, order.total_amount / 100)
      assert.strictEqual(row.getCell(column('实付金额')).value, order.paid_amount / 100)
      assert.equal(row.getCell(column('订单金额')).numFmt, '#,##0.00')
    }
    const tickets = await download(tenant, token.plainToken, `/reports/exports/tickets?from=${today()}&to=${today()}&format=xlsx`)
    const ticketBook = new ExcelJS.Workbook()
    await ticketBook.xlsx.load(tickets.bytes as any)
    const ticketSheet = ticketBook.getWorksheet('tickets')!
    assert.equal(ticketSheet.actualRowCount - 1, (await rows(tenant, 'order_tickets')).length)
    const values = ticketSheet.getSheetValues().flat().map(String)
    assert.include(values, '110105********002X')
    assert.notInclude(values, HOLDER_ID)
  })
})
