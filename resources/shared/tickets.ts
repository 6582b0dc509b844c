/* A ticket as the order's tickets endpoints give it (visitor and box office): its code is drawn as a QR. */
export interface Ticket {
  id: number
  status: string
  /** Signed ticket code; null when the ticket does not admit (refunded, reserved…). */
  code: string | null
  product: string
  site: string
  session: { name: string | null; startsAt: string; endsAt: string }
  seat: { section: string; row: string; label: string } | null
  holder: { name: string; idMasked: string } | null
  partySize: number | null
  entriesLeft: number | null
}
