/*
 * A venue's products (票种). Each change runs in one tenant transaction with its audit record,
 * after the product's whole state (stored values with the change merged in) passes these rules:
 * - a free ticket costs 0; the sale window and the per-order limits are in order;
 * - a group ticket, and only a group ticket, has a party size, min <= max;
 * - reserved seating is in a hall of the product's site; any zone is of that site;
 * - a package, and only a package, has parts: existing products that are not packages, and a
 *   product that is part of a package does not become one;
 * - status goes draft → on_sale → off_sale → on_sale (a product never returns to draft).
 * - an annual pass (年卡), and only a pass, has pass rules; it is open-date and real-name
 *   (app/members/services/pass_products.ts).
 */
import { invalid, notFound } from '#core/app_error'
import Product from '#catalog/models/product'
import PackagePart from '#catalog/models/package_part'
import { findSite, findSiteZone } from '#catalog/services/site_catalog'
import { auditLog } from '#identity/audit/audit_log'
import { assertPassProduct, normalizePassRules } from '#members/services/pass_products'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'
import type { NewProduct, ProductChanges, ProductFilters } from '#catalog/validators/product'

type ProductStatus = Product['status']

interface Part {
  productId: number
  quantity: number
}

const NEXT_STATUSES: Record<ProductStatus, ProductStatus[]> = {
  draft: ['on_sale'],
  on_sale: ['off_sale'],
  off_sale: ['on_sale'],
}

/** The table's defaults for the columns the rules compare, so a new product is checked as it will be stored. */
const ORDER_LIMIT_DEFAULTS = { minPerOrder: 1, maxPerOrder: 10 }

/** Products as the API and the audit log show them; a package lists its parts (one query for all). */
async function present(trx: TenantTransaction, products: Product[]) {
  const packageIds = products.filter((product) => product.kind === 'package').map((product) => product.id)
  const parts = new Map<number, Part[]>()
  if (packageIds.length) {
    for (const part of await PackagePart.query({ client: trx }).whereIn('package_id', packageIds).orderBy('id')) {
      parts.set(part.packageId, [...(parts.get(part.packageId) ?? []), { productId: part.partId, quantity: part.quantity }])
    }
  }
  return products.map((product) => ({ ...product.serialize(), parts: parts.get(product.id) ?? [] }))
}

function assertValues(product: Product) {
  if (product.kind === 'free' && product.basePrice !== 0) throw invalid('basePrice', 'A free ticket costs 0')
  if (product.saleStartsAt && product.saleEndsAt && product.saleEndsAt.toMillis() <= product.saleStartsAt.toMillis()) {
    throw invalid('saleEndsAt', 'The sale must end after it starts')
  }
  if (product.maxPerOrder < product.minPerOrder) throw invalid('maxPerOrder', 'maxPerOrder cannot be below minPerOrder')
  const partyMin = product.partyMin ?? null
  const partyMax = product.partyMax ?? null
  if (product.kind === 'group') {
    if (partyMin === null) throw invalid('partyMin', 'A group ticket needs partyMin')
    if (partyMax === null) throw invalid('partyMax', 'A group ticket needs partyMax')
    if (partyMax < partyMin) throw invalid('partyMax', 'partyMax cannot be below partyMin')
  } else if (partyMin !== null || partyMax !== null) {
    throw invalid(partyMin !== null ? 'partyMin' : 'partyMax', 'Only a group ticket has a party size')
  }
}

async function assertZone(trx: TenantTransaction, product: Product) {
  const zone = product.zoneId ? await findSiteZone(trx, product.siteId, product.zoneId) : null
  if (product.seating === 'reserved' && zone?.kind !== 'hall') {
    throw invalid('zoneId', 'Reserved seating needs a hall of the same site', 'E_HALL_REQUIRED')
  }
}

async function assertParts(trx: TenantTransaction, product: Product, parts: Part[]) {
  if (product.kind !== 'package') {
    if (parts.length) throw invalid('parts', 'Only a package has parts')
    return
  }
  if (!parts.length) throw invalid('parts', 'A package needs at least one part')
  // A product that is part of a package cannot become a package: packages do not nest.
  if (product.$isPersisted && (await PackagePart.query({ client: trx }).where('part_id', product.id).first())) {
    throw invalid('kind', 'This product is part of a package, so it cannot be a package itself')
  }
  const ids = parts.map((part) => part.productId)
  // FOR SHARE: a part cannot turn into a package while this package is being made of it.
  const found = await Product.query({ client: trx }).whereIn('id', ids).forShare()
  const missing = ids.filter((id) => !found.some((candidate) => candidate.id === id))
  if (missing.length) throw invalid('parts', `No such product: ${missing.join(', ')}`)
  if (found.some((candidate) => candidate.kind === 'package' || candidate.id === product.id)) {
    throw invalid('parts', 'A part cannot be a package')
  }
}

async function assertSound(trx: TenantTransaction, product: Product, parts: Part[]) {
  assertValues(product)
  await assertZone(trx, product)
  await assertParts(trx, product, parts)
  await assertPassProduct(trx, product)
}

async function replaceParts(trx: TenantTransaction, packageId: number, parts: Part[]) {
  await PackagePart.query({ client: trx }).where('package_id', packageId).delete()
  if (parts.length) {
    await trx
      .insertQuery()
      .table('package_parts')
      .multiInsert(parts.map((part) => ({ package_id: packageId, part_id: part.productId, quantity: part.quantity })))
  }
}

export default class ProductCatalog {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new ProductCatalog(tenant)
  }

  list(filters: ProductFilters) {
    return runInTenant(this.tenant, async (trx) => {
      const products = await Product.query({ client: trx })
        .if(filters.siteId, (query) => query.where('site_id', filters.siteId!))
        .if(filters.status, (query) => query.where('status', filters.status!))
        .orderBy('id')
      return present(trx, products)
    })
  }

  show(id: number) {
    return runInTenant(this.tenant, async (trx) => {
      const [shown] = await present(trx, [await this.#find(trx, id)])
      return shown
    })
  }

  create(input: NewProduct) {
    return runInTenant(this.tenant, async (trx) => {
      const { parts = [], ...fields } = input
      await findSite(trx, fields.siteId, { field: 'siteId' })
      const product = new Product().merge({ ...ORDER_LIMIT_DEFAULTS, ...fields, passRules: normalizePassRules(fields.passRules) ?? null })
      await assertSound(trx, product, parts)
      await product.useTransaction(trx).save()
      await product.refresh() // the columns the database defaults, so the result reads like a listing
      await replaceParts(trx, product.id, parts)
      const [after] = await present(trx, [product])
      await auditLog.tenant(trx, { action: 'product.created', subjectType: 'product', subjectId: product.id, after })
      return after
    })
  }

  update(id: number, changes: ProductChanges) {
    return runInTenant(this.tenant, async (trx) => {
      const product = await this.#find(trx, id, true)
      const [before] = await present(trx, [product])
      const kindBefore = product.kind
      const { parts, ...fields } = changes
      if (fields.status && fields.status !== product.status && !NEXT_STATUSES[product.status].includes(fields.status)) {
        throw invalid('status', `A product that is ${product.status} cannot become ${fields.status}`, 'E_STATUS_TRANSITION')
      }
      product.merge({ ...fields, passRules: fields.passRules === undefined ? product.passRules : normalizePassRules(fields.passRules) })
      // Parts stay unless replaced, and go with the package kind.
      const nextParts = parts ?? (product.kind === 'package' ? before.parts : [])
      await assertSound(trx, product, nextParts)
      await product.save()
      if (parts || product.kind !== kindBefore) await replaceParts(trx, product.id, nextParts)
      const [after] = await present(trx, [product])
      await auditLog.tenant(trx, { action: 'product.updated', subjectType: 'product', subjectId: product.id, before, after })
      return after
    })
  }

  async #find(trx: TenantTransaction, id: number, forUpdate = false) {
    const product = await Product.query({ client: trx })
      .where('id', id)
      .if(forUpdate, (query) => query.forUpdate())
      .first()
    if (!product) throw notFound('No such product', 'E_PRODUCT_NOT_FOUND')
    return product
  }
}
