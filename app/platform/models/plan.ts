import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** A plan (套餐) venues are put on: limits (null = unlimited) and the platform's commission. */
export default class Plan extends BaseModel {
  static table = 'plans'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare name: string

  @column()
  declare description: string | null

  /** Sites (venues, 场馆/景区) the tenant may run. */
  @column()
  declare maxSites: number | null

  /** Active staff accounts. */
  @column()
  declare maxStaff: number | null

  /** Orders placed per calendar month (Asia/Shanghai). */
  @column()
  declare maxMonthlyOrders: number | null

  /** Commission in basis points of the paid amount (250 = 2.5%). */
  @column()
  declare commissionBp: number

  /** Inactive plans are kept by the venues already on them but cannot be given to others. */
  @column()
  declare active: boolean

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
