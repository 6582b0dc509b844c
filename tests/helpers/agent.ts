/*
 * A client that behaves like a browser for the JSON APIs: keeps the cookies the server sets
 * (session, XSRF-TOKEN) and sends the CSRF header back, so tests go through the real login
 * endpoints and the real CSRF check.
 */
import type { ApiClient, ApiRequest } from '@japa/api-client'

export class Agent {
  #cookies = new Map<string, string>()

  constructor(
    private client: ApiClient,
    readonly base = '',
    private headers: Record<string, string> = {}
  ) {}

  /** Same cookie jar, different base path (e.g. another tenant's prefix). */
  at(base: string) {
    const other = new Agent(this.client, base, this.headers)
    other.#cookies = this.#cookies
    return other
  }

  withHeaders(headers: Record<string, string>) {
    const other = new Agent(this.client, this.base, { ...this.headers, ...headers })
    other.#cookies = this.#cookies
    return other
  }

  get(path: string) {
    return this.#send(this.client.get(this.base + path))
  }
  post(path: string, body: Record<string, unknown> = {}) {
    return this.#send(this.client.post(this.base + path).json(body))
  }
  put(path: string, body: Record<string, unknown> = {}) {
    return this.#send(this.client.put(this.base + path).json(body))
  }
  patch(path: string, body: Record<string, unknown> = {}) {
    return this.#send(this.client.patch(this.base + path).json(body))
  }
  delete(path: string) {
    return this.#send(this.client.delete(this.base + path))
  }

  async #send(request: ApiRequest) {
    if (!this.#cookies.has('XSRF-TOKEN') && request.request.method !== 'GET') await this.#primeCsrf()
    request.header('accept', 'application/json')
    for (const [name, value] of Object.entries(this.headers)) request.header(name, value)
    if (this.#cookies.size) request.header('cookie', [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    const xsrf = this.#cookies.get('XSRF-TOKEN')
    if (xsrf) request.header('x-xsrf-token', decodeURIComponent(xsrf))
    const response = await request
    this.#remember(response.headers()['set-cookie'])
    return response
  }

  /** Any GET through the router sets the XSRF-TOKEN cookie, as the front ends' first page load does. */
  async #primeCsrf() {
    const response = await this.client.get('/health').header('accept', 'application/json')
    this.#remember(response.headers()['set-cookie'])
  }

  #remember(setCookie: string | string[] | undefined) {
    for (const line of [setCookie ?? []].flat()) {
      const [pair, ...attributes] = line.split(';')
      const index = pair.indexOf('=')
      const name = pair.slice(0, index).trim()
      const value = pair.slice(index + 1).trim()
      const expired = attributes.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a.trim()))
      if (expired || value === '') this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
  }
}
