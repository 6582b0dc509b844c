/*
 * The browser suite runs in Debian's Chromium with CJK fonts (venue names are Chinese). On a
 * machine without them, `npm test` installs them through apt when it can (root, Debian), and
 * otherwise says what to install instead of failing obscurely.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const PACKAGES = ['chromium', 'fonts-noto-cjk']

function hasCjkFont() {
  try {
    return /Noto (Sans|Serif) CJK/i.test(execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }))
  } catch {
    return false
  }
}

const ready = () => existsSync(CHROMIUM) && hasCjkFont()

export function ensureBrowserRequirements() {
  if (ready()) return
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')
  if (!canInstall) {
    throw new Error(`The browser tests need Chromium at ${CHROMIUM} and CJK fonts: install the Debian packages ${PACKAGES.join(' ')} (or set CHROMIUM_PATH), or run the other suites with "npm test -- unit functional".`)
  }
  console.log(`Installing ${PACKAGES.join(', ')} for the browser tests…`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...PACKAGES]]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env })
    if (result.status !== 0) throw new Error(`apt-get ${args[0]} failed (exit ${result.status})`)
  }
  if (!ready()) throw new Error(`Installed ${PACKAGES.join(', ')}, yet Chromium is not at ${CHROMIUM} or no CJK font is found`)
}
