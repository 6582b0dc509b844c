import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import hash from '@adonisjs/core/services/hash'
import { generate } from 'otplib'
import PlatformUser from '#identity/models/platform_user'
import authorization from '#identity/authz/authorization_service'
import { createTenant } from '#tests/helpers/tenants'
import { screenshot } from '#tests/helpers/screenshots'

test.group('Sign-in pages', () => {
  test('a venue owner signs in to the console, sees a wrong password refused, and signs out', async ({ visit }) => {
    const venue = await createTenant({ venueName: '江畔大剧院 Browser Theatre', venueType: 'theatre' })
    const page = await visit(`/t/${venue.tenant.slug}/console/`)
    await page.assertTextContains('h1', '江畔大剧院')
    await screenshot(page, 'console-sign-in')

    await page.getByLabel('Email').fill(venue.email)
    await page.getByLabel('Password', { exact: true }).fill('not-the-password-1')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.assertTextContains('#error', 'incorrect')
    await screenshot(page, 'console-wrong-password')

    await page.getByLabel('Password', { exact: true }).fill(venue.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.assertTextContains('#account', venue.email)
    await page.assertTextContains('#account', String(new Date().getFullYear()))
    await screenshot(page, 'console-signed-in')

    // The session survives a reload, and signing out ends it.
    await page.reload()
    await page.assertTextContains('#account', venue.email)
    await page.getByRole('button', { name: 'Sign out', exact: true }).click()
    await page.assertVisible('#password-step')
  })

  test('a platform operator enrols in two-factor login on first sign-in', async ({ visit }) => {
    const user = await PlatformUser.create({ email: 'ops@platform.browser', fullName: 'Ops', password: await hash.make('Platform-pass-123'), status: 'active' })
    await authorization.setPlatformRoles(db.connection(), user.id, ['superadmin'])

    const page = await visit('/platform/')
    await page.getByLabel('Email').fill('ops@platform.browser')
    await page.getByLabel('Password', { exact: true }).fill('Platform-pass-123')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.assertVisible('#enrol')
    await screenshot(page, 'platform-two-factor-enrolment')

    const secret = (await page.locator('#secret').textContent())!.trim()
    await page.getByLabel('6-digit code').fill(await generate({ secret }))
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.assertTextContains('#account', 'ops@platform.browser')
    await page.assertTextContains('#account', 'on')
    await screenshot(page, 'platform-signed-in')
  })

  test('a visitor creates an account on the venue page', async ({ visit }) => {
    const venue = await createTenant({ venueName: '城市博物馆 Browser Museum', venueType: 'museum' })
    const page = await visit(`/t/${venue.tenant.slug}/`)
    await page.getByRole('button', { name: 'No account yet? Create one' }).click()
    await page.getByLabel('Email').fill('visitor@browser.cn')
    await page.getByLabel('Password', { exact: true }).fill('Visitor-pass-123')
    await page.getByLabel('Confirm password').fill('Visitor-pass-124')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.assertTextContains('#error', 'do not match')

    await page.getByLabel('Confirm password').fill('Visitor-pass-123')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.assertTextContains('#account', 'visitor@browser.cn')
    await screenshot(page, 'visitor-registered')
  })
})
