/*
 * A visitor's real-name holders (常用游客): the people they book tickets for. The ID number is
 * stored encrypted beside its keyed hash (real_name.ts), which finds duplicates without decrypting;
 * nothing here returns it in clear. An account keeps at most the venue's maxHoldersPerAccount
 * holders, also when additions race: each one locks the visitor's row first.
 */
import encryption from '@adonisjs/core/services/encryption'
import { AppError, invalid, notFound } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import FrequentVisitor from '#inventory/models/frequent_visitor'
import { lockVisitor, readBookingRules } from '#inventory/services/booking_policy'
import { idNumberHash } from '#inventory/services/real_name'
import type { NewFrequentVisitor } from '#inventory/validators/frequent_visitor'
import { runInTenant } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export default class FrequentVisitors {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new FrequentVisitors(tenant)
  }

  list(visitorId: number) {
    return runInTenant(this.tenant, async (trx) => {
      const holders = await FrequentVisitor.query({ client: trx }).where('visitor_id', visitorId).orderBy('id')
      return holders.map((holder) => holder.serialize())
    })
  }

  add(visitorId: number, input: NewFrequentVisitor) {
    const hash = idNumberHash(this.tenant.id, input.idNumber)
    return runInTenant(this.tenant, async (trx) => {
      await lockVisitor(trx, visitorId)
      const holders = await FrequentVisitor.query({ client: trx }).where('visitor_id', visitorId).select('id_number_hash')
      if (holders.some((holder) => holder.idNumberHash === hash)) {
        throw invalid('idNumber', 'This ID number is already one of your holders', 'E_HOLDER_EXISTS')
      }
      const { maxHoldersPerAccount } = await readBookingRules(this.tenant, trx)
      if (holders.length >= maxHoldersPerAccount) {
        throw new AppError(`An account can keep at most ${maxHoldersPerAccount} holders: remove one to add another`, {
          status: 409,
          code: 'E_HOLDER_LIMIT',
          meta: { limit: maxHoldersPerAccount },
        })
      }
      const holder = await FrequentVisitor.create(
        {
          visitorId,
          name: input.name,
          idType: input.idType ?? 'mainland_id',
          idNumberEncrypted: encryption.encrypt(input.idNumber),
          idNumberHash: hash,
        },
        { client: trx }
      )
      const after = holder.serialize()
      await auditLog.tenant(trx, { action: 'frequent_visitor.created', subjectType: 'frequent_visitor', subjectId: holder.id, after })
      return after
    })
  }

  /**
   * The names and ID numbers (decrypted) of this visitor's saved holders `ids`, for checkout to
   * use in place of typed ones (`holders[].frequentVisitorId`). A holder that is not theirs, or an
   * anonymous buyer, is refused like a missing one: 422 on the holder's field.
   */
  identities(visitorId: number | null, ids: { field: string; id: number }[]) {
    return runInTenant(this.tenant, async (trx) => {
      const found = visitorId ? await FrequentVisitor.query({ client: trx }).where('visitor_id', visitorId).whereIn('id', ids.map((ask) => ask.id)) : []
      const byId = new Map(found.map((holder) => [holder.id, holder]))
      const identities = new Map<number, { name: string; idNumber: string }>()
      for (const ask of ids) {
        const holder = byId.get(ask.id)
        if (!holder) throw invalid(ask.field, visitorId ? 'No such saved visitor in your account' : 'Sign in to use your saved visitors', 'E_HOLDER_NOT_FOUND')
        const idNumber = encryption.decrypt<string>(holder.idNumberEncrypted)
        if (idNumber === null) throw new Error(`Frequent visitor ${holder.id}: the ID number does not decrypt with the app keys`)
        identities.set(holder.id, { name: holder.name, idNumber })
      }
      return identities
    })
  }

  /** Another visitor's holder is "not found", like a missing one. */
  remove(visitorId: number, id: number) {
    return runInTenant(this.tenant, async (trx) => {
      const holder = await FrequentVisitor.query({ client: trx }).where('id', id).where('visitor_id', visitorId).first()
      if (!holder) throw notFound('No such holder', 'E_HOLDER_NOT_FOUND')
      const before = holder.serialize()
      await holder.delete()
      await auditLog.tenant(trx, { action: 'frequent_visitor.deleted', subjectType: 'frequent_visitor', subjectId: id, before })
    })
  }
}
