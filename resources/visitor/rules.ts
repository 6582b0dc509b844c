/* 退改规则 in words, from a product's terms (the server's RefundPolicy decides; this only tells). */
import { t } from './i18n'

export interface RefundTier {
  hoursBefore: number
  feePercent: number
}

export function refundRules(product: { refundable: boolean; refundTiers: RefundTier[] }): string[] {
  if (!product.refundable) return [t('notRefundable')]
  if (!product.refundTiers.length) return [t('refundFree'), t('refundClosed')]
  const last = product.refundTiers[product.refundTiers.length - 1]
  return [...product.refundTiers.map((tier) => t('refundTier', { hours: tier.hoursBefore, percent: tier.feePercent })), t('refundLate', { hours: last.hoursBefore })]
}
