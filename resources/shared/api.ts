/*
 * The JSON API client every surface shares: same-origin cookies (the session), the XSRF-TOKEN
 * cookie echoed as X-XSRF-TOKEN on every request (Shield's CSRF check on writes), and the
 * API's `{ errors: [{ message, code }] }` turned into an ApiError.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    /** The request field the (first) error is about, e.g. couponCode. */
    readonly field?: string
  ) {
    super(message)
  }

  /** No answer at all (offline, server down): worth retrying as it was. */
  get isNetwork() {
    return this.status === 0
  }
}

const xsrfToken = () => decodeURIComponent(document.cookie.match(/(?:^|; )XSRF-TOKEN=([^;]*)/)?.[1] ?? '')

/** `headers`: more request headers for this call (e.g. an Idempotency-Key), beside the usual ones. */
export type Api = <T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, headers?: Record<string, string>) => Promise<T>

export function createApi(base: string): Api {
  return async (method, path, body, headers) => {
    let response: Response
    try {
      response = await fetch(base + path, {
        method,
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'accept': 'application/json', 'x-xsrf-token': xsrfToken(), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch {
      throw new ApiError('网络不可用 No connection to the server', 0)
    }
    const data = response.status === 204 ? {} : await response.json().catch(() => ({}))
    if (!response.ok) {
      const errors: { message: string; code?: string; field?: string }[] = data.errors ?? []
      throw new ApiError(errors.map((e) => e.message).join('; ') || `${response.status} ${response.statusText}`, response.status, errors[0]?.code, errors[0]?.field)
    }
    return data
  }
}

/** What to tell the user of a failure: the API's own message, or whatever was thrown. */
export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))
