/*
 * Who is signed in, and the API client. Platform staff always pass a TOTP step: the first sign-in
 * enrols them (the server hands out the secret to add to an authenticator app).
 */
import { reactive } from 'vue'
import { ApiError, createApi, messageOf } from '../shared/api'
import { readContext } from '../shared/context'

export interface PlatformAccount {
  id: number
  email: string
  fullName: string
  twoFactorEnabled: boolean
}

export const context = readContext()
export const api = createApi(context.api)

export const session = reactive<{ loading: boolean; me: PlatformAccount | null }>({ loading: true, me: null })

export async function loadMe() {
  try {
    session.me = (await api<{ account: PlatformAccount }>('GET', '/me')).account
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error
    session.me = null
  } finally {
    session.loading = false
  }
}

export async function signOut() {
  await api('POST', '/logout')
  session.me = null
}

/** An error as a person reads it (the API's message; a lost connection said so). */
export const problem = messageOf
