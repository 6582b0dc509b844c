/*
 * The visitor API from the H5 pages: the shared client (resources/shared/api.ts: same-origin
 * cookies, the XSRF-TOKEN cookie echoed, `{ errors }` → ApiError) with the headers buying needs
 * (Idempotency-Key for checkout, X-Order-Token for a guest's order), and two app-wide signals
 * read from every answer: the connection (offline banner) and the venue being closed
 * (E_VENUE_SUSPENDED → 暂停营业 page).
 */
import { ref } from 'vue'
import { ApiError, createApi } from '../shared/api'
import { readContext, type ShellContext } from '../shared/context'

export { ApiError }

/** The shell's context (PagesController.visitor): the shared fields and the venue's colour. */
export interface VisitorContext extends ShellContext {
  themeColor?: string
}

export const context = readContext() as VisitorContext
/** The venue's pages' root: /t/<slug> on the development prefix, '' on the venue's own host. */
export const basePath = context.api.replace(/\/api$/, '')

export const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine)
export const venueClosed = ref<string | null>(null)

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => (online.value = true))
  window.addEventListener('offline', () => (online.value = false))
}

export interface RequestOptions {
  body?: unknown
  headers?: Record<string, string>
}

const call = createApi(context.api)

export async function api<T>(method: 'GET' | 'POST' | 'DELETE', path: string, options: RequestOptions = {}): Promise<T> {
  try {
    const data = await call<T>(method, path, options.body, options.headers)
    online.value = true
    return data
  } catch (error) {
    if (error instanceof ApiError) {
      online.value = !error.isNetwork
      if (error.code === 'E_VENUE_SUSPENDED' || error.code === 'E_TENANT_SUSPENDED') venueClosed.value = error.code
    }
    throw error
  }
}

/** A fresh key for one checkout attempt (resent unchanged when that attempt is retried). */
export const newIdempotencyKey = () => `h5-${crypto.randomUUID()}`
