/*
 * The venue's profile and home-page banners (branding), as staff set them and as visitors see
 * them. Every venue has its one profile row (its migration creates it); the registered name
 * shows until staff set a display name. Changes are audited with what was there before.
 */
import { invalid } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import PaymentAccounts from '#payments/services/payment_accounts'
import { assertImagesExist, imageUrl, type ImageKey } from '#catalog/services/venue_images'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'
import type { VenueBannerInput, VenueProfileChanges } from '#catalog/validators/venue_profile'

interface ProfileRow {
  display_name: string | null
  intro: string | null
  notice: string | null
  opening_hours: string | null
  address: string | null
  latitude: number | null
  longitude: number | null
  phone: string | null
  theme_color: string
  logo_image_id: number | null
  default_locale: 'zh-CN' | 'en'
  onboarding_completed_at: Date | null
  updated_at: Date
}

type ColumnChanges = Omit<VenueProfileChanges, 'onboardingCompleted'>

const COLUMNS: Record<keyof ColumnChanges, keyof ProfileRow> = {
  displayName: 'display_name',
  intro: 'intro',
  notice: 'notice',
  openingHours: 'opening_hours',
  address: 'address',
  latitude: 'latitude',
  longitude: 'longitude',
  phone: 'phone',
  themeColor: 'theme_color',
  logoImageId: 'logo_image_id',
  defaultLocale: 'default_locale',
}

/** The profile's stored fields, as the console shows them and the audit log records them. */
function profileFields(row: ProfileRow) {
  return {
    displayName: row.display_name,
    intro: row.intro,
    notice: row.notice,
    openingHours: row.opening_hours,
    address: row.address,
    latitude: row.latitude,
    longitude: row.longitude,
    phone: row.phone,
    themeColor: row.theme_color,
    logoImageId: row.logo_image_id,
    defaultLocale: row.default_locale,
    onboardingCompletedAt: row.onboarding_completed_at,
  }
}

/**
 * Where a banner leads, from the visitor's page: web addresses as they are, the venue's own
 * paths under its base path (so they work on the venue's host and on the /t/<slug> prefix).
 */
function resolveLink(basePath: string, link: string | null) {
  if (!link || /^https?:/i.test(link)) return link
  return link.startsWith('#') ? `${basePath}/${link}` : `${basePath}${link}`
}

/** 高德 (Amap) marker page for the venue's position; coordinates are GCJ-02, as Amap picks them. */
export function amapMarkerUrl(latitude: number, longitude: number, name: string) {
  const query = new URLSearchParams({ position: `${longitude},${latitude}`, name, src: 'tessera', coordinate: 'gaode' })
  return `https://uri.amap.com/marker?${query}`
}

type BannerRow = ImageKey & { image_id: number; link: string | null; alt: string }

/** The profile row, its logo's URL key and the banners in order: three queries. */
async function loadBranding(trx: TenantTransaction) {
  const profile: ProfileRow = await trx.from('venue_profile').where('id', 1).firstOrFail()
  const logo: ImageKey | undefined = profile.logo_image_id
    ? await trx.from('venue_images').where('id', profile.logo_image_id).select('id', 'sha256', 'content_type').first()
    : undefined
  const banners: BannerRow[] = await trx
    .from('venue_banners as b')
    .join('venue_images as i', 'i.id', 'b.image_id')
    .orderBy('b.position')
    .select('b.image_id', 'b.link', 'b.alt', 'i.id', 'i.sha256', 'i.content_type')
  return { profile, logo, banners }
}

const bannerFields = (banners: BannerRow[]) => banners.map((banner) => ({ imageId: banner.image_id, link: banner.link, alt: banner.alt }))

export default class VenueProfile {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new VenueProfile(tenant)
  }

  /** The console's view: stored fields, the name visitors see, URLs under `basePath`. */
  show(basePath: string) {
    return runInTenant(this.tenant, async (trx) => this.#present(basePath, await loadBranding(trx)))
  }

  update(changes: VenueProfileChanges, basePath: string) {
    return runInTenant(this.tenant, async (trx) => {
      const stored: ProfileRow = await trx.from('venue_profile').where('id', 1).forUpdate().firstOrFail()
      const before = profileFields(stored)
      const { onboardingCompleted, ...columns } = changes
      // Finishing again keeps the first time it was finished.
      const completedAt = onboardingCompleted === undefined ? before.onboardingCompletedAt : onboardingCompleted ? (before.onboardingCompletedAt ?? new Date()) : null
      const after = { ...before, ...columns, onboardingCompletedAt: completedAt }
      if ((after.latitude === null) !== (after.longitude === null)) {
        const missing = after.latitude === null ? 'latitude' : 'longitude'
        throw invalid(missing, 'Give both latitude and longitude, or neither', 'E_LOCATION_INCOMPLETE')
      }
      if (changes.logoImageId) await assertImagesExist(trx, [changes.logoImageId], () => 'logoImageId')
      const update: Record<string, unknown> = { updated_at: new Date(), onboarding_completed_at: completedAt }
      for (const [field, value] of Object.entries(columns)) update[COLUMNS[field as keyof ColumnChanges]] = value
      await trx.from('venue_profile').where('id', 1).update(update)
      await auditLog.tenant(trx, { action: 'venue_profile.updated', subjectType: 'venue_profile', subjectId: 1, before, after })
      return this.#present(basePath, await loadBranding(trx))
    })
  }

  /** Replaces the ordered list of banners. */
  replaceBanners(banners: VenueBannerInput[], basePath: string) {
    return runInTenant(this.tenant, async (trx) => {
      await trx.rawQuery('lock table venue_banners in exclusive mode')
      const before = bannerFields((await loadBranding(trx)).banners)
      await assertImagesExist(trx, banners.map((banner) => banner.imageId), (id) => `banners.${banners.findIndex((b) => b.imageId === id)}.imageId`)
      await trx.from('venue_banners').delete()
      if (banners.length) {
        await trx.table('venue_banners').multiInsert(
          banners.map((banner, position) => ({ image_id: banner.imageId, link: banner.link ?? null, alt: banner.alt ?? '', position }))
        )
      }
      const branding = await loadBranding(trx)
      await auditLog.tenant(trx, { action: 'venue_banners.replaced', subjectType: 'venue_profile', subjectId: 1, before, after: bannerFields(branding.banners) })
      return this.#present(basePath, branding)
    })
  }

  /** GET /api/venue: what the visitor pages show and which payment and sign-in ways they offer. */
  visitorView(basePath: string) {
    return runInTenant(this.tenant, async (trx) => {
      const { profile, logo, banners } = await loadBranding(trx)
      const name = profile.display_name ?? this.tenant.name
      const located = profile.latitude !== null && profile.longitude !== null
      const channels = await PaymentAccounts.for(this.tenant).enabledChannels(trx)
      const officialAccount = await trx.from('wechat_accounts').select('app_id').first()
      return {
        venue: {
          slug: this.tenant.slug,
          name,
          venueType: this.tenant.venueType,
          logoUrl: logo ? imageUrl(basePath, logo) : null,
          themeColor: profile.theme_color,
          banners: banners.map((banner) => ({ imageUrl: imageUrl(basePath, banner), link: resolveLink(basePath, banner.link), alt: banner.alt })),
          notice: profile.notice,
          intro: profile.intro,
          openingHours: profile.opening_hours,
          address: profile.address,
          location: located ? { lat: profile.latitude!, lng: profile.longitude! } : null,
          mapUrl: located ? amapMarkerUrl(profile.latitude!, profile.longitude!, name) : null,
          phone: profile.phone,
          defaultLocale: profile.default_locale,
        },
        payment: { channels: channels.map(({ channel }) => channel) },
        wechat: { oauth: Boolean(officialAccount) },
      }
    })
  }

  #present(basePath: string, { profile, logo, banners }: Awaited<ReturnType<typeof loadBranding>>) {
    return {
      profile: {
        ...profileFields(profile),
        name: profile.display_name ?? this.tenant.name,
        logoUrl: logo ? imageUrl(basePath, logo) : null,
        updatedAt: profile.updated_at,
      },
      banners: banners.map((banner) => ({ ...bannerFields([banner])[0], imageUrl: imageUrl(basePath, banner) })),
    }
  }
}
