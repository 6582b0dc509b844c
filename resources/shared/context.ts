/*
 * What the server tells a surface's page about where it runs: PagesController fills the shell's
 * <script id="context" type="application/json"> with it (escaped), so a build serves every venue.
 */
export interface ShellContext {
  /** The page's title: the venue's name, and the surface's. */
  title: string
  venueName: string
  /** The venue's slug; with the API base, it keys what the page remembers in this browser. */
  tenantSlug: string
  /** The JSON API this surface talks to: /t/<slug>/console/api on the development prefix, /console/api on the venue's host. */
  api: string
}

export function readContext(): ShellContext {
  const element = document.getElementById('context')
  try {
    return JSON.parse(element?.textContent ?? '')
  } catch {
    throw new Error('This page must be opened through the Tessera server, which fills in its context.')
  }
}
