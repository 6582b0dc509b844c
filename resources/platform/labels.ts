/* Names the console shows for the API's codes: 中文 first, English after. */
export const TENANT_STATUSES: Record<string, { label: string; type: 'success' | 'warning' | 'danger' | 'info' }> = {
  pending: { label: '待审核 Pending', type: 'warning' },
  active: { label: '营业中 Active', type: 'success' },
  suspended: { label: '已暂停 Suspended', type: 'danger' },
}

export const VENUE_TYPES: Record<string, string> = {
  scenic: '景区 Scenic area',
  theatre: '剧院 Theatre',
  exhibition: '展馆 Exhibition',
  museum: '博物馆 Museum',
}

/** Plan limits: null is unlimited. */
export const limitText = (value: number | null | undefined) => (value === null || value === undefined ? '不限 Unlimited' : String(value))

/** Basis points as a percentage: 250 → "2.5%". */
export const percentOf = (bp: number) => `${(bp / 100).toFixed(2).replace(/\.?0+$/, '')}%`
