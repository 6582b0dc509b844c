/*
 * Distributors and OTAs (分销) at the console: the venue authorises a distributor (its API key is
 * shown once, at creation and at each rotation; stored encrypted), the products it may sell at a
 * settlement price (结算价) no higher than the sale price, tops its deposit up, and can suspend it.
 * Every change is audited. Also where a distributor's signed API request is authenticated
 * (core/signed_requests.ts, scheme TESSERA-DISTRIBUTOR; the key is the secret text itself).
 */
import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import encryption from '@adonisjs/core/services/encryption'
import logger from '@adonisjs/core/services/logger'
import { AppError, invalid, notFound } from '#core/app_error'
import { checkSignedRequest, type SignatureRefusal } from '#core/signed_requests'
import { auditLog } from '#identity/audit/audit_log'
import Product from '#catalog/models/product'
import { loadPriceCalendar } from '#catalog/services/price_calendar'
import Site from '#catalog/models/site'
import { moveDeposit, presentMovement, type LedgerRow } from '#members/services/distributor_deposits'
import { callbackEndpointId, syncCallbackEndpoint } from '#members/services/distributor_callbacks'
import { presentDelivery } from '#members/services/webhooks'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export const DISTRIBUTOR_SCHEME = 'TESSERA-DISTRIBUTOR'

/** How far ahead an authorisation looks for days whose sale price falls below the settlement price. */
const LOOKAHEAD_DAYS = 90
/** A distributor's key is read once per few seconds, not per request; a change here drops it at once. */
const KEY_CACHE_MS = 5_000
const keyCache = new Map<string, { row: DistributorRow; secret: string; until: number }>()

export interface DistributorRow {
  id: number
  name: string
  contact_name: string | null
  contact_phone: string | null
  contact_email: string | null
  status: 'active' | 'suspended'
  key_id: string
  key_secret: string
  callback_url: string | null
  balance: number | string
  created_at: Date
  updated_at: Date
}

/** The distributor a signed request came from (ctx.distributor). */
export interface Distributor {
  id: number
  name: string
  status: 'active' | 'suspended'
  keyId: string
  callbackUrl: string | null
  balance: number
}

export interface DistributorInput {
  name: string
  contactName?: string | null
  contactPhone?: string | null
  contactEmail?: string | null
  callbackUrl?: string | null
}

export interface DistributorChanges extends Partial<DistributorInput> {
  status?: 'active' | 'suspended'
}

function present(row: DistributorRow) {
  return {
    id: Number(row.id),
    name: row.name,
    contact: { name: row.contact_name, phone: row.contact_phone, email: row.contact_email },
    status: row.status,
    keyId: row.key_id,
    callbackUrl: row.callback_url,
    balance: Number(row.balance),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export function presentDistributor(row: DistributorRow): Distributor {
  return { id: Number(row.id), name: row.name, status: row.status, keyId: row.key_id, callbackUrl: row.callback_url, balance: Number(row.balance) }
}

const newKeyId = () => `dist_${randomBytes(10).toString('hex')}`
const newSecret = () => `dsk_${randomBytes(32).toString('base64url')}`

const REFUSALS: Record<SignatureRefusal, string> = {
  unsigned: `Sign distributor requests: Authorization: ${DISTRIBUTOR_SCHEME} keyId="…",timestamp="…",nonce="…",signature="…"`,
  unknown_key: 'Unknown distributor key',
  bad_signature: 'Bad signature: sign METHOD, path with query, timestamp, nonce and the body hash with your secret (docs/distributors.md)',
  stale: 'The request timestamp is more than 5 minutes off: check your clock',
  replayed: 'This request was already received (nonce reused): use a new nonce for every request',
}

/** The sale price of a product on each of the next days, and the days it is below `settlement`. */
async function daysBelow(trx: TenantTransaction, product: Product, settlement: number) {
  const site = await Site.findOrFail(product.siteId, { client: trx })
  const today = DateTime.now().setZone(site.timezone)
  const from = today.toISODate()!
  const to = today.plus({ days: LOOKAHEAD_DAYS - 1 }).toISODate()!
  const days = (await loadPriceCalendar(trx, product, from, to)).days(from, to)
  return { today: days[0].price, below: days.filter((day) => day.price < settlement).map((day) => ({ date: day.date, price: day.price })) }
}

export default class Distributors {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new Distributors(tenant)
  }

  async list() {
    return runInTenant(this.tenant, async (trx) => ((await trx.from('distributors').orderBy('id')) as DistributorRow[]).map(present))
  }

  async show(id: number) {
    return runInTenant(this.tenant, async (trx) => {
      const row = await this.#row(trx, id)
      return { ...present(row), products: await this.#products(trx, id) }
    })
  }

  /** A new distributor and its API key; the secret is in this answer only. */
  async create(input: DistributorInput) {
    const secret = newSecret()
    return runInTenant(this.tenant, async (trx) => {
      const [row]: DistributorRow[] = await trx
        .table('distributors')
        .insert({
          name: input.name,
          contact_name: input.contactName ?? null,
          contact_phone: input.contactPhone ?? null,
          contact_email: input.contactEmail ?? null,
          callback_url: input.callbackUrl ?? null,
          key_id: newKeyId(),
          key_secret: encryption.encrypt(secret),
        })
        .returning('*')
      if (row.callback_url) await syncCallbackEndpoint(trx, Number(row.id), row.callback_url, secret)
      const distributor = present(row)
      await auditLog.tenant(trx, { action: 'distributor.created', subjectType: 'distributor', subjectId: row.id, after: distributor })
      return { distributor, secret }
    })
  }

  async update(id: number, changes: DistributorChanges) {
    const updated = await runInTenant(this.tenant, async (trx) => {
      const before = await this.#row(trx, id, { lock: true })
      const [after]: DistributorRow[] = await trx
        .from('distributors')
        .where('id', id)
        .update({
          name: changes.name ?? before.name,
          contact_name: changes.contactName === undefined ? before.contact_name : changes.contactName,
          contact_phone: changes.contactPhone === undefined ? before.contact_phone : changes.contactPhone,
          contact_email: changes.contactEmail === undefined ? before.contact_email : changes.contactEmail,
          callback_url: changes.callbackUrl === undefined ? before.callback_url : changes.callbackUrl,
          status: changes.status ?? before.status,
          updated_at: new Date(),
        })
        .returning('*')
      if (after.callback_url !== before.callback_url) {
        await syncCallbackEndpoint(trx, id, after.callback_url, encryption.decrypt<string>(after.key_secret)!)
      }
      const action = after.status !== before.status ? `distributor.${after.status === 'suspended' ? 'suspended' : 'resumed'}` : 'distributor.updated'
      await auditLog.tenant(trx, { action, subjectType: 'distributor', subjectId: id, before: present(before), after: present(after) })
      return after
    })
    keyCache.delete(`${this.tenant.schemaName}:${updated.key_id}`)
    return present(updated)
  }

  /** A new key (id and secret) at once; the old one stops working. The secret is in this answer only. */
  async rotateKey(id: number) {
    const secret = newSecret()
    const { before, after } = await runInTenant(this.tenant, async (trx) => {
      const old = await this.#row(trx, id, { lock: true })
      const [rotated]: DistributorRow[] = await trx
        .from('distributors')
        .where('id', id)
        .update({ key_id: newKeyId(), key_secret: encryption.encrypt(secret), updated_at: new Date() })
        .returning('*')
      await syncCallbackEndpoint(trx, id, rotated.callback_url, secret)
      await auditLog.tenant(trx, { action: 'distributor.key_rotated', subjectType: 'distributor', subjectId: id, meta: { oldKeyId: old.key_id, keyId: rotated.key_id } })
      return { before: old, after: rotated }
    })
    keyCache.delete(`${this.tenant.schemaName}:${before.key_id}`)
    return { distributor: present(after), secret }
  }

  /**
   * Lets the distributor sell a product at a settlement price (or changes it). Refused when the
   * price is above the product's sale price today; the days ahead whose sale price is below it
   * are listed (orders for those days will be refused).
   */
  async authorise(id: number, productId: number, settlementPrice: number) {
    return runInTenant(this.tenant, async (trx) => {
      await this.#row(trx, id)
      const product = await Product.find(productId, { client: trx })
      if (!product) throw notFound('No such product', 'E_PRODUCT_NOT_FOUND')
      const { today, below } = await daysBelow(trx, product, settlementPrice)
      if (settlementPrice > today) {
        throw invalid('settlementPrice', `The settlement price cannot be above today's sale price (${today} fen)`, 'E_SETTLEMENT_ABOVE_PRICE')
      }
      const before = await trx.from('distributor_products').where({ distributor_id: id, product_id: productId }).first()
      await trx
        .table('distributor_products')
        .insert({ distributor_id: id, product_id: productId, settlement_price: settlementPrice })
        .onConflict(['distributor_id', 'product_id'])
        .merge({ settlement_price: settlementPrice, updated_at: new Date() })
      const after = { productId, settlementPrice }
      await auditLog.tenant(trx, {
        action: 'distributor.product_authorised',
        subjectType: 'distributor',
        subjectId: id,
        before: before ? { productId, settlementPrice: before.settlement_price } : null,
        after,
      })
      return { ...after, productName: product.name, salePrice: today, daysBelowSettlement: below }
    })
  }

  async revoke(id: number, productId: number) {
    return runInTenant(this.tenant, async (trx) => {
      await this.#row(trx, id)
      const [removed] = await trx.from('distributor_products').where({ distributor_id: id, product_id: productId }).delete().returning('*')
      if (!removed) throw notFound('This product is not authorised for this distributor', 'E_PRODUCT_NOT_AUTHORISED')
      await auditLog.tenant(trx, {
        action: 'distributor.product_revoked',
        subjectType: 'distributor',
        subjectId: id,
        before: { productId, settlementPrice: removed.settlement_price },
      })
    })
  }

  /** Staff put money into the deposit (amount > 0) or give it back (amount < 0), with their reference. */
  async moveDeposit(id: number, input: { amount: number; reference: string; note?: string | null }, staff: string) {
    if (input.amount === 0) throw invalid('amount', 'Give an amount to put in (more than 0) or to take out (less than 0)')
    return runInTenant(this.tenant, async (trx) => {
      await this.#row(trx, id)
      const row = await moveDeposit(trx, id, {
        kind: input.amount > 0 ? 'top_up' : 'withdrawal',
        amount: input.amount,
        reference: input.reference,
        note: input.note ?? null,
        actor: staff,
      })
      const movement = presentMovement(row)
      await auditLog.tenant(trx, { action: `distributor.deposit_${row.kind}`, subjectType: 'distributor', subjectId: id, after: movement })
      return movement
    })
  }

  /** Check-in callbacks sent to the distributor, newest first (the webhook delivery log). */
  async callbacks(id: number) {
    return runInTenant(this.tenant, async (trx) => {
      await this.#row(trx, id)
      const endpointId = await callbackEndpointId(trx, id)
      if (!endpointId) return []
      return (await trx.from('webhook_deliveries').where('endpoint_id', endpointId).orderBy('id', 'desc').limit(100)).map(presentDelivery)
    })
  }

  /** The distributor that signed this request (or a 401; suspended: 403). Refusals naming a known key are audited. */
  async authenticate(request: { authorization?: string; method: string; pathWithQuery: string; body: string }): Promise<Distributor> {
    const checked = await checkSignedRequest(DISTRIBUTOR_SCHEME, this.tenant.schemaName, request, async (keyId) => {
      const key = await this.#key(keyId)
      return key ? { key: key.secret, signer: key.row } : null
    })
    if (!checked.ok) {
      const meta = { reason: checked.reason, keyId: checked.keyId ?? null, method: request.method, path: request.pathWithQuery.slice(0, 200) }
      if (checked.signer) {
        const signer = checked.signer
        await runInTenant(this.tenant, (trx) =>
          auditLog.tenant(trx, {
            action: 'distributor.request_refused',
            outcome: 'denied',
            subjectType: 'distributor',
            subjectId: signer.id,
            actor: { type: 'distributor', id: signer.id, label: signer.name },
            meta,
          })
        )
      } else {
        logger.warn({ tenant: this.tenant.slug, ...meta }, 'a distributor API request was refused')
      }
      throw new AppError(REFUSALS[checked.reason], { status: 401, code: 'E_DISTRIBUTOR_UNAUTHORIZED', meta: { reason: checked.reason } })
    }
    if (checked.signer.status !== 'active') {
      throw new AppError('This distributor is suspended by the venue', { status: 403, code: 'E_DISTRIBUTOR_SUSPENDED' })
    }
    return presentDistributor(checked.signer)
  }

  async #key(keyId: string) {
    const cacheKey = `${this.tenant.schemaName}:${keyId}`
    const cached = keyCache.get(cacheKey)
    if (cached && cached.until > Date.now()) return cached
    const row: DistributorRow | undefined = await runInTenant(this.tenant, (trx) => trx.from('distributors').where('key_id', keyId).first())
    if (!row) return null
    const entry = { row, secret: encryption.decrypt<string>(row.key_secret)!, until: Date.now() + KEY_CACHE_MS }
    keyCache.set(cacheKey, entry)
    return entry
  }

  async #products(trx: TenantTransaction, id: number) {
    const rows = await trx
      .from('distributor_products as dp')
      .join('products as p', 'p.id', 'dp.product_id')
      .where('dp.distributor_id', id)
      .orderBy('p.id')
      .select('p.id', 'p.name', 'p.base_price', 'p.status', 'dp.settlement_price')
    return rows.map((row) => ({ productId: Number(row.id), name: row.name, basePrice: row.base_price, status: row.status, settlementPrice: row.settlement_price }))
  }

  async #row(trx: TenantTransaction, id: number, options: { lock?: boolean } = {}): Promise<DistributorRow> {
    const query = trx.from('distributors').where('id', id)
    if (options.lock) query.forUpdate()
    const row: DistributorRow | undefined = await query.first()
    if (!row) throw notFound('No such distributor', 'E_DISTRIBUTOR_NOT_FOUND')
    return row
  }
}

/** The movements of a distributor's deposit in a time range, oldest first, with their orders' numbers. */
export async function ledgerBetween(trx: TenantTransaction, distributorId: number, from: Date, to: Date) {
  const rows = await trx
    .from('distributor_ledger as l')
    .leftJoin('orders as o', 'o.id', 'l.order_id')
    .leftJoin('distributor_orders as x', 'x.order_id', 'l.order_id')
    .where('l.distributor_id', distributorId)
    .where('l.created_at', '>=', from)
    .where('l.created_at', '<', to)
    .orderBy('l.id')
    .select('l.*', 'o.number as order_number', 'x.external_no')
  return (rows as (LedgerRow & { order_number: string | null; external_no: string | null })[]).map(presentMovement)
}
