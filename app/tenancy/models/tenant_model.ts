/*
 * Base class for every model of a tenant table. Its adapter refuses any query that is not handed
 * a tenant transaction (`{ client: trx }` or `model.useTransaction(trx)`), so a forgotten scope
 * fails loudly instead of reading the wrong schema.
 */
import { BaseModel } from '@adonisjs/lucid/orm'
import type { AdapterContract, LucidModel, ModelAdapterOptions } from '@adonisjs/lucid/types/model'
import { isTenantTransaction, TenantScopeMissingError } from '#tenancy/services/tenant_database'

const guardedAdapters = new WeakMap<AdapterContract, AdapterContract>()

function guard(adapter: AdapterContract): AdapterContract {
  let guarded = guardedAdapters.get(adapter)
  if (!guarded) {
    guarded = Object.create(adapter, {
      modelConstructorClient: {
        value(model: LucidModel, options?: ModelAdapterOptions) {
          if (!isTenantTransaction(options?.client)) {
            throw new TenantScopeMissingError(
              `${model.name} is a tenant table: pass a tenant transaction ({ client: trx }) to reach it`
            )
          }
          return options.client
        },
      },
    }) as AdapterContract
    guardedAdapters.set(adapter, guarded)
  }
  return guarded
}

export class TenantModel extends BaseModel {}

Object.defineProperty(TenantModel, '$adapter', {
  get() {
    return guard(BaseModel.$adapter)
  },
  set() {},
})
