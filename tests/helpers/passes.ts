/*
 * The annual pass rules (年卡规则) the tests start from: a year from the first entry, unlimited
 * entries once a day per site, every site, renewable for ¥200 from 30 days before to 30 days after.
 */
import type { PassRules } from '#members/services/pass_rules'

export const passRules = (overrides: Partial<PassRules> = {}): PassRules => ({
  validity: { unit: 'days', length: 365 },
  activation: 'first_entry',
  activationWindowDays: 30,
  entries: null,
  oncePerSitePerDay: true,
  blackoutDates: [],
  siteIds: [],
  renewal: { price: 20000, opensDaysBefore: 30, closesDaysAfter: 30 },
  ...overrides,
})
