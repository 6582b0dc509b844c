import { assert } from '@japa/assert'
import { apiClient } from '@japa/api-client'
import { browserClient } from '@japa/browser-client'
import { chromium } from 'playwright'
import { pluginAdonisJS } from '@japa/plugin-adonisjs'
import app from '@adonisjs/core/services/app'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Config } from '@japa/runner/types'
import { resetDatabase } from '#tests/helpers/database'
import authorization from '#identity/authz/authorization_service'

export const plugins: Config['plugins'] = [
  assert(),
  pluginAdonisJS(app),
  apiClient({ baseURL: `http://${process.env.HOST}:${process.env.PORT}` }),
  browserClient({
    runInSuites: ['browser'],
    contextOptions: { baseURL: `http://${process.env.HOST}:${process.env.PORT}`, locale: 'zh-CN' },
    // Debian's Chromium: Playwright's own browser download is not available here.
    launcher: (options) =>
      chromium.launch({
        ...options,
        executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      }),
  }),
]

export const runnerHooks: Required<Pick<Config, 'setup' | 'teardown'>> = {
  setup: [resetDatabase],
  teardown: [() => authorization.close()],
}

export const configureSuite: Config['configureSuite'] = (suite) => {
  if (suite.name === 'functional' || suite.name === 'browser') {
    suite.setup(() => testUtils.httpServer().start())
  }
}
