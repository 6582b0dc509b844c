/*
 * The console's setup wizard (开通向导) is finished once per venue, not per browser: the venue
 * profile keeps when it was finished, so any staff member on any machine sees the same.
 */
import { test } from '@japa/runner'
import { venueWithOwner } from '#tests/functional/venue/fixtures'

test.group('Venue onboarding completion', () => {
  test('finishing the wizard is stored once, kept when finished again, cleared on request and audited', async ({ client, assert }) => {
    const { owner } = await venueWithOwner(client)
    assert.isNull((await owner.get('/venue-profile')).body().profile.onboardingCompletedAt)

    const done = await owner.put('/venue-profile', { onboardingCompleted: true })
    done.assertStatus(200)
    const completedAt = done.body().profile.onboardingCompletedAt
    assert.isString(completedAt)
    assert.isBelow(Math.abs(Date.now() - new Date(completedAt).getTime()), 60_000)
    assert.equal((await owner.get('/venue-profile')).body().profile.onboardingCompletedAt, completedAt)

    // Saving details afterwards, or finishing again, keeps the first time.
    await owner.put('/venue-profile', { notice: 'Open daily' })
    const again = await owner.put('/venue-profile', { onboardingCompleted: true })
    assert.equal(again.body().profile.onboardingCompletedAt, completedAt)
    assert.equal(again.body().profile.notice, 'Open daily')

    const bad = await owner.put('/venue-profile', { onboardingCompleted: 'soon' })
    bad.assertStatus(422)
    assert.equal(bad.body().errors[0].field, 'onboardingCompleted')

    const reopened = await owner.put('/venue-profile', { onboardingCompleted: false })
    reopened.assertStatus(200)
    assert.isNull(reopened.body().profile.onboardingCompletedAt)

    const audit = (await owner.get('/audit?action=venue_profile.updated')).body().data
    assert.lengthOf(audit, 4)
    assert.isNull(audit[3].before.onboardingCompletedAt)
    assert.equal(audit[3].after.onboardingCompletedAt, completedAt)
    assert.equal(audit[0].before.onboardingCompletedAt, completedAt)
    assert.isNull(audit[0].after.onboardingCompletedAt)
  })
})
