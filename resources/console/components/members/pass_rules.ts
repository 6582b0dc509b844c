/* 年卡规则 as the product API takes them (docs/passes.md); edited by PassRulesForm.vue. */
export interface PassRules {
  validity: { unit: 'days' | 'months'; length: number }
  activation: 'first_entry' | 'manual'
  activationWindowDays: number
  entries: number | null
  oncePerSitePerDay: boolean
  blackoutDates: { from: string; to?: string }[]
  siteIds: number[]
  renewal: { price: number; opensDaysBefore: number; closesDaysAfter: number } | null
}

/** A year's pass, first entry starts it, unlimited entries once a day per site, renewable for the same price. */
export const defaultPassRules = (price = 0): PassRules => ({
  validity: { unit: 'days', length: 365 },
  activation: 'first_entry',
  activationWindowDays: 30,
  entries: null,
  oncePerSitePerDay: true,
  blackoutDates: [],
  siteIds: [],
  renewal: { price, opensDaysBefore: 30, closesDaysAfter: 30 },
})
