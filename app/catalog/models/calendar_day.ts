import { DateTime } from 'luxon'
import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/models/tenant_model'

/** A public holiday, or a make-up working day (调休) that counts as a weekday though it is a weekend. */
export default class CalendarDay extends TenantModel {
  static table = 'calendar_days'

  @column.date({ isPrimary: true })
  declare day: DateTime

  @column()
  declare kind: 'holiday' | 'workday'

  @column()
  declare name: string | null
}
