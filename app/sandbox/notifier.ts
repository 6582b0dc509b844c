/*
 * Sends a gateway's asynchronous notifications to the platform the way the gateway does: retried
 * on its schedule until accepted (the schedule compressed by the sandbox's time scale in tests),
 * with the faults a test or a demo operator asked for (duplicates, delay, drop, tampering).
 * Every attempt is recorded, so tests can see what was sent and what the platform answered.
 */

export interface NotificationFaults {
  /** Send this many extra copies, each as its own delivery. */
  duplicates?: number
  /** Wait this long (ms, not scaled) before the first attempt: lets another notification overtake this one. */
  delayMs?: number
  /** Never send it (the platform must find out by querying). */
  drop?: boolean
  /** Gateway-built tampering: */
  /** Sign a different amount (fen added) than the trade's: a correctly signed message the platform must still refuse. */
  alterAmount?: number
  /** Change the body after signing it. */
  badSignature?: boolean
  /** A timestamp 10 minutes old. */
  staleTimestamp?: boolean
  /** WeChat: a corrupted AES-GCM tag. */
  badTag?: boolean
  /** WeChat: a signature probe (WECHATPAY/SIGNTEST/ serial). */
  signtest?: boolean
  /** Refunds: how the refund ends (success unless told). */
  refundOutcome?: 'success' | 'abnormal' | 'closed'
}

export interface OutgoingNotification {
  gateway: string
  url: string
  /** Seconds to wait before each retry after a refused attempt (the gateway's published schedule). */
  schedule: number[]
  build: (faults: NotificationFaults) => { headers: Record<string, string>; body: string }
  accepted: (status: number, body: string) => boolean
  faults?: NotificationFaults
  /** What this is about, for the delivery log. */
  subject: string
}

export interface DeliveryRecord {
  id: number
  gateway: string
  subject: string
  url: string
  attempt: number
  at: string
  status: number | null
  response: string
  accepted: boolean
  faults: NotificationFaults
}

export class Notifier {
  readonly deliveries: DeliveryRecord[] = []
  #pending = new Set<Promise<void>>()
  #timers = new Set<NodeJS.Timeout>()
  #sequence = 0
  #closed = false

  constructor(private readonly timeScale: number) {}

  send(notification: OutgoingNotification) {
    const faults = notification.faults ?? {}
    if (faults.drop) {
      this.#record(notification, 0, null, 'dropped by request', false, faults)
      return
    }
    const copies = 1 + (faults.duplicates ?? 0)
    for (let copy = 0; copy < copies; copy++) this.#track(this.#deliver(notification, faults))
  }

  /** Resolves when nothing is being delivered (retries included). */
  async idle() {
    while (this.#pending.size) await Promise.allSettled([...this.#pending])
  }

  close() {
    this.#closed = true
    for (const timer of this.#timers) clearTimeout(timer)
  }

  #track(delivery: Promise<void>) {
    this.#pending.add(delivery)
    delivery.finally(() => this.#pending.delete(delivery))
  }

  async #deliver(notification: OutgoingNotification, faults: NotificationFaults) {
    if (faults.delayMs) await this.#sleep(faults.delayMs)
    for (let attempt = 1; !this.#closed; attempt++) {
      const { headers, body } = notification.build(faults)
      let status: number | null = null
      let response = ''
      try {
        const answer = await fetch(notification.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5_000) })
        status = answer.status
        response = await answer.text()
      } catch (error: any) {
        response = String(error?.message ?? error)
      }
      const accepted = status !== null && notification.accepted(status, response)
      this.#record(notification, attempt, status, response, accepted, faults)
      if (accepted || attempt > notification.schedule.length) return
      await this.#sleep(notification.schedule[attempt - 1] * 1000 * this.timeScale)
    }
  }

  #record(notification: OutgoingNotification, attempt: number, status: number | null, response: string, accepted: boolean, faults: NotificationFaults) {
    this.deliveries.push({
      id: ++this.#sequence,
      gateway: notification.gateway,
      subject: notification.subject,
      url: notification.url,
      attempt,
      at: new Date().toISOString(),
      status,
      response: response.slice(0, 500),
      accepted,
      faults,
    })
    if (this.deliveries.length > 2_000) this.deliveries.splice(0, 1_000)
  }

  #sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer)
        resolve()
      }, ms)
      this.#timers.add(timer)
    })
  }
}
