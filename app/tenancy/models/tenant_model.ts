/*
 * Base class for every model of a tenant table. Its adapter hands out the tenant transaction the
 * caller passed (`{ client: trx }`, `model.useTransaction(trx)`); without one, it hands out a
 * client whose queries refuse to run, so a forgotten scope fails loudly instead of reading the
 * wrong schema. (Queries are built without running in a few places, e.g. Lucid reading the
 * dialect's date format, so the refusal happens at execution.)
 */
import { BaseModel } from '@adonisjs/lucid/orm'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type { AdapterContract, LucidModel, ModelAdapterOptions } from '@adonisjs/lucid/types/model'
import { isTenantTransaction, TenantScopeMissingError } from '#tenancy/services/tenant_database'

function refusal(model: LucidModel) {
  return () =>
    Promise.reject(
      new TenantScopeMissingError(`${model.name} is a tenant table: run it on a tenant transaction ({ client: trx })`)
    )
}

/** The default client, except that model and insert queries fail when executed. */
function unboundClient(client: QueryClientContract, model: LucidModel): QueryClientContract {
  return Object.create(client, {
    modelQuery: {
      value(target: LucidModel) {
        return Object.assign(client.modelQuery(target), { execQuery: refusal(model) })
      },
    },
    insertQuery: {
      value() {
        return Object.assign(client.insertQuery(), { exec: refusal(model) })
      },
    },
  })
}

const guardedAdapters = new WeakMap<AdapterContract, AdapterContract>()

function guard(adapter: AdapterContract): AdapterContract {
  let guarded = guardedAdapters.get(adapter)
  if (!guarded) {
    guarded = Object.create(adapter, {
      modelConstructorClient: {
        value(model: LucidModel, options?: ModelAdapterOptions) {
          if (isTenantTransaction(options?.client)) return options.client
          return unboundClient(adapter.modelConstructorClient(model, { connection: options?.connection }), model)
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
