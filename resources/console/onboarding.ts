/*
 * The setup wizard's progress (开通向导), read from the venue's own data, so it is the same in any
 * browser: a site, a product, sessions ahead, a payment channel that answered a test, an official
 * account that did. Finishing is stored on the venue's profile (onboardingCompletedAt), so a venue
 * that sells without an official account is not sent back to the wizard, in any browser.
 */
import { listProducts, listSessions, listSites } from './catalog'
import { api, can } from './session'
import { dayOf } from './format'

export interface Progress {
  venue: boolean
  product: boolean
  sessions: boolean
  payment: boolean
  officialAccount: boolean
}

type ProfileAnswer = { profile: { onboardingCompletedAt: string | null } }

/** Has anyone finished the wizard for this venue? */
export const finished = async () => Boolean((await api<ProfileAnswer>('GET', '/venue-profile')).profile.onboardingCompletedAt)
export const finish = () => api<ProfileAnswer>('PUT', '/venue-profile', { onboardingCompleted: true })

/** Only those who can set the venue up are offered the wizard. */
export const mayOnboard = () => ['venue:write', 'catalog:write', 'channels:write'].every(can)

export async function readProgress(): Promise<Progress> {
  const [sites, products, accounts, official] = await Promise.all([
    listSites(),
    listProducts(),
    api<{ accounts: { test: { status: string } }[] }>('GET', '/payment-accounts'),
    api<{ account: { test: { status: string } } | null }>('GET', '/wechat/account'),
  ])
  const today = dayOf(new Date())
  const inAYear = dayOf(new Date(Date.now() + 365 * 86_400_000))
  const sessions = await Promise.all(sites.map((site) => listSessions(site.id, today, inAYear)))
  return {
    venue: sites.length > 0,
    product: products.length > 0,
    sessions: sessions.some((list) => list.length > 0),
    payment: accounts.accounts.some((account) => account.test.status === 'ok'),
    officialAccount: official.account?.test.status === 'ok',
  }
}

export const complete = (progress: Progress) => Object.values(progress).every(Boolean)
