/*
 * Who is signed in, what they may do at this venue, and the API they talk to. The server decides
 * (every route names its permission); the console only hides what would be refused.
 */
import { reactive } from 'vue'
import { ApiError, createApi, messageOf } from '../shared/api'
import { readContext } from '../shared/context'

export const context = readContext()

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
type Query = Record<string, string | number | boolean | null | undefined>

/** The console API. Shared createApi's type lists no PUT, but it sends any method as it is. */
const call = createApi(context.api) as unknown as <T>(method: Method, path: string, body?: unknown, headers?: Record<string, string>) => Promise<T>

/** A session that ended (signed out elsewhere, expired) leads back to sign-in. */
async function send<T>(method: Method, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  try {
    return await call<T>(method, path, body, headers)
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && path !== '/login' && path !== '/two-factor') session.me = null
    throw error
  }
}

/** `headers`: more request headers for this call (e.g. an Idempotency-Key). */
export function api<T = any>(method: Method, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  return send<T>(method, path, body, headers)
}

/** Sends a file as multipart/form-data (field "file"), with the session cookie and the CSRF header. */
export async function upload<T = any>(path: string, file: File): Promise<T> {
  const body = new FormData()
  body.append('file', file)
  const xsrf = decodeURIComponent(document.cookie.match(/(?:^|; )XSRF-TOKEN=([^;]*)/)?.[1] ?? '')
  const response = await fetch(context.api + path, { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json', 'x-xsrf-token': xsrf }, body })
  const data = await response.json().catch(() => ({}))
  if (!response.ok) throw new ApiError(data.errors?.map((e: { message: string }) => e.message).join('; ') || response.statusText, response.status, data.errors?.[0]?.code)
  return data
}

/** GET with a query string; empty values are left out. */
export function apiGet<T = any>(path: string, query: Query = {}): Promise<T> {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const text = params.toString()
  return send<T>('GET', text ? `${path}?${text}` : path)
}

/** Where the console's screens live: /t/<slug>/console/ on the development prefix, /console/ on the venue's host. */
export const consoleBase = context.api.replace(/api$/, '')

export interface StaffAccount {
  id: number
  email: string
  fullName: string | null
  twoFactorEnabled: boolean
}

export interface Me {
  account: StaffAccount
  permissions: string[]
  venue: { name: string; slug: string; status: 'pending' | 'active' | 'suspended'; readOnly: boolean }
}

export const session = reactive({ me: null as Me | null, loading: true })

/** Loads the signed-in member (null when nobody is). */
export async function loadMe() {
  try {
    session.me = await api<Me>('GET', '/me')
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error
    session.me = null
  } finally {
    session.loading = false
  }
  return session.me
}

export async function signOut() {
  await api('POST', '/logout').catch(() => undefined)
  session.me = null
}

/**
 * May the member do this? A venue that is not open (suspended, awaiting approval) is read-only:
 * no change is offered, as the server would refuse it.
 */
export function can(permission: string) {
  const me = session.me
  if (!me?.permissions.includes(permission)) return false
  return !(me.venue.readOnly && permission.endsWith(':write'))
}

/** An API failure as one line for a message. */
export function problem(error: unknown) {
  if (error instanceof ApiError && error.status === 403) return `权限不足 Not allowed: ${error.message}`
  return messageOf(error)
}
