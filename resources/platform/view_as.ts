/*
 * Reading a venue's console API with a view-as grant (docs/platform.md): GET only, the grant in
 * the X-View-As header, on the venue's /t/<slug>/console/api (same origin as this console).
 */
import { ApiError } from '../shared/api'

export interface ViewAsGrant {
  token: string
  header: string
  expiresAt: string
  api: string
  consoleUrl: string
  tenant: { id: number; name: string; slug: string }
}

export async function viewAsGet<T>(grant: ViewAsGrant, path: string): Promise<T> {
  let response: Response
  try {
    response = await fetch(grant.api + path, { credentials: 'omit', headers: { accept: 'application/json', [grant.header]: grant.token } })
  } catch {
    throw new ApiError('网络不可用 No connection to the server', 0)
  }
  const data = await response.json().catch(() => ({}))
  if (!response.ok) {
    const errors: { message: string; code?: string }[] = data.errors ?? []
    throw new ApiError(errors.map((e) => e.message).join('; ') || `${response.status}`, response.status, errors[0]?.code)
  }
  return data
}
