/*
 * The demo venues' faces: profile, a logo and banners. The pictures are drawn here (gradients in
 * the venue's theme colour with a few flat shapes) and encoded as PNG, so the repository carries
 * no image files. Everything goes through the console's validators and services. A venue that
 * has a logo or banners already is left alone: it may have changed them.
 */
import { crc32, deflateSync } from 'node:zlib'
import VenueImages from '#catalog/services/venue_images'
import VenueProfile from '#catalog/services/venue_profile'
import { venueBannersValidator, venueProfileValidator } from '#catalog/validators/venue_profile'
import { runInTenant } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

type Rgb = [number, number, number]
/** Whether a pixel (x, y in 0..1 of the picture's width and height) is inside a shape. */
type Inside = (x: number, y: number) => boolean
type Layer = { inside: Inside; color: Rgb; alpha: number }
type Motif = 'mountains' | 'stage' | 'columns'

const WHITE: Rgb = [255, 255, 255]

function rgb(hex: string): Rgb {
  const value = Number.parseInt(hex.slice(1), 16)
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255]
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t)) as Rgb
const shade = (color: Rgb, t: number) => (t >= 0 ? mix(color, WHITE, t) : mix(color, [0, 0, 0], -t))

/** A PNG (8-bit RGB, no interlace) of `width` × `height` pixels. */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => Rgb): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8)
    head.writeUInt32BE(data.length, 0)
    head.write(type, 4, 'latin1')
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
    return Buffer.concat([head, data, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8)
  const rows = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    const start = y * (width * 3 + 1) // each row starts with filter type 0 (none)
    for (let x = 0; x < width; x++) rows.set(pixel(x, y), start + 1 + x * 3)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** A diagonal gradient from the theme colour with flat layers on top. */
function picture(width: number, height: number, theme: Rgb, layers: Layer[]) {
  const from = shade(theme, -0.15)
  const to = shade(theme, 0.35)
  return encodePng(width, height, (px, py) => {
    const x = px / width
    const y = py / height
    let color = mix(from, to, (x + y) / 2)
    for (const layer of layers) if (layer.inside(x, y)) color = mix(color, layer.color, layer.alpha)
    return color
  })
}

const circle = (cx: number, cy: number, r: number, aspect: number): Inside => (x, y) => ((x - cx) * aspect) ** 2 + (y - cy) ** 2 <= r * r
const peak = (cx: number, top: number, halfWidth: number): Inside => (x, y) => y >= top + (Math.abs(x - cx) / halfWidth) * (1 - top)
const box = (left: number, top: number, right: number, bottom: number): Inside => (x, y) => x >= left && x <= right && y >= top && y <= bottom

/** Mountains under a sun; a stage with curtains and a spotlight; a museum's columns and pediment. */
function motifLayers(motif: Motif, theme: Rgb, aspect: number, variant: number): Layer[] {
  const offset = variant * 0.12
  if (motif === 'mountains') {
    return [
      { inside: circle(0.72 - offset, 0.3, 0.14, aspect), color: [255, 236, 179], alpha: 0.85 },
      { inside: peak(0.3 + offset, 0.35, 0.45), color: shade(theme, -0.45), alpha: 0.9 },
      { inside: peak(0.68 + offset / 2, 0.5, 0.4), color: shade(theme, -0.25), alpha: 0.9 },
      { inside: (x, y) => y > 0.86 + 0.04 * Math.sin(x * 12 + variant), color: WHITE, alpha: 0.35 },
    ]
  }
  if (motif === 'stage') {
    const curtain = (x: number, y: number) => x < 0.16 + 0.03 * Math.sin(y * 9) || x > 0.84 - 0.03 * Math.sin(y * 9)
    return [
      { inside: (x, y) => y > 0.2 && Math.abs(x - 0.5) < 0.1 + y * 0.25, color: [255, 244, 214], alpha: 0.3 + variant * 0.1 },
      { inside: circle(0.5, 0.82, 0.16, aspect * 0.4), color: [255, 244, 214], alpha: 0.5 },
      { inside: curtain, color: shade(theme, -0.5), alpha: 0.85 },
      { inside: box(0, 0, 1, 0.1), color: shade(theme, -0.55), alpha: 0.9 },
      { inside: box(0, 0.9, 1, 1), color: [40, 24, 20], alpha: 0.8 },
    ]
  }
  const columns = [0.2, 0.35, 0.5, 0.65, 0.8].map((cx) => box(cx - 0.035, 0.42, cx + 0.035, 0.82))
  return [
    { inside: (x, y) => y >= 0.18 && y <= 0.38 && Math.abs(x - 0.5) <= 0.4 * ((y - 0.18) / 0.2), color: WHITE, alpha: 0.85 },
    { inside: box(0.1, 0.38, 0.9, 0.42), color: WHITE, alpha: 0.85 },
    ...columns.map((inside) => ({ inside, color: WHITE, alpha: 0.75 - variant * 0.1 })),
    { inside: box(0.08, 0.82, 0.92, 0.88), color: WHITE, alpha: 0.85 },
    { inside: circle(0.15 + offset, 0.12, 0.05, aspect), color: [255, 236, 179], alpha: 0.6 },
  ]
}

/** A square logo: the motif in white on the theme colour, inside a rounded square. */
function logo(motif: Motif, theme: Rgb) {
  const size = 256
  const rounded: Inside = (x, y) => {
    const dx = Math.max(0.18 - x, 0, x - 0.82)
    const dy = Math.max(0.18 - y, 0, y - 0.82)
    return dx * dx + dy * dy <= 0.18 * 0.18
  }
  const outside: Layer = { inside: (x, y) => !rounded(x, y), color: WHITE, alpha: 1 }
  const shapes = motifLayers(motif, theme, 1, 0).map((layer) => ({ ...layer, color: WHITE, alpha: Math.min(1, layer.alpha + 0.1) }))
  const inner = motif === 'mountains' ? shapes.slice(1, 3) : motif === 'stage' ? shapes.slice(0, 2) : shapes.slice(0, 7)
  const inset = (layer: Layer): Layer => ({ ...layer, inside: (x, y) => layer.inside((x - 0.2) / 0.6, (y - 0.2) / 0.6) && rounded(x, y) })
  return picture(size, size, theme, [...inner.map(inset), outside])
}

interface DemoProfile {
  motif: Motif
  profile: Record<string, unknown> & { themeColor: string }
  banners: string[]
}

const PROFILES: Record<string, DemoProfile> = {
  'misty-peak': {
    motif: 'mountains',
    profile: {
      themeColor: '#2e8b57',
      intro: '雾峰山景区主峰海拔 1,260 米，云海、竹海与千年古村相映，四季皆宜。Misty Peak rises to 1,260 m above a sea of clouds, bamboo forests and a thousand-year-old village.',
      notice: '索道每周二 09:00–11:00 例行检修暂停运行。The cableway pauses for maintenance on Tuesdays 09:00–11:00.',
      openingHours: '每日 07:30–17:30（17:00 停止入园）Daily 07:30–17:30, last entry 17:00',
      address: '浙江省杭州市临安区雾峰山路 1 号 游客中心',
      latitude: 30.2547,
      longitude: 119.7164,
      phone: '0571-6380 1234',
    },
    banners: ['云海日出 Sunrise over the sea of clouds', '竹海徒步 Bamboo forest trails', '古村夜色 The old village at dusk'],
  },
  'riverside-theatre': {
    motif: 'stage',
    profile: {
      themeColor: '#9b2335',
      intro: '江畔大剧院坐落于黄浦江畔，拥有 1,200 座主剧场，常年上演歌剧、话剧与交响音乐会。The Riverside Grand Theatre seats 1,200 on the Huangpu riverfront: opera, drama and symphony all year round.',
      notice: '演出开始后迟到观众请于幕间入场；1.2 米以下儿童谢绝入场。Latecomers are seated at the interval; no children under 1.2 m.',
      openingHours: '售票处 10:00–20:00；开演前 45 分钟检票 Box office 10:00–20:00; doors open 45 minutes before curtain',
      address: '上海市黄浦区中山东二路 600 号',
      latitude: 31.2304,
      longitude: 121.496,
      phone: '021-6330 8888',
    },
    banners: ['本季歌剧 Opera this season', '周末家庭剧场 Family weekend matinees'],
  },
  'city-museum': {
    motif: 'columns',
    profile: {
      themeColor: '#3b5b92',
      intro: '城市博物馆收藏青铜器、书画与城市变迁文献逾十万件，免费向公众开放。The City Museum holds over 100,000 bronzes, paintings and records of the city, free to all.',
      notice: '免费参观需提前预约，凭预约时所用身份证件入馆；每周一闭馆。Free admission by reservation with the ID used to book; closed on Mondays.',
      openingHours: '周二至周日 09:00–17:00（16:00 停止入馆）Tue–Sun 09:00–17:00, last entry 16:00',
      address: '北京市东城区景山前街 18 号',
      latitude: 39.9237,
      longitude: 116.397,
      phone: '010-6513 2255',
    },
    banners: ['青铜时代特展 Bronze Age special exhibition', '夜游博物馆 Museum nights', '少儿研学 Young explorers'],
  },
}

/** Gives a demo venue its profile, logo and banners, unless it has a logo or banners already. */
export async function seedDemoVenueProfile(tenant: Tenant) {
  const demo = PROFILES[tenant.slug]
  if (!demo) return
  const branded = await runInTenant(tenant, async (trx) => {
    const profile = await trx.from('venue_profile').whereNotNull('logo_image_id').first()
    return Boolean(profile || (await trx.from('venue_banners').first()))
  })
  if (branded) return
  const theme = rgb(demo.profile.themeColor)
  const images = VenueImages.for(tenant)
  const venue = VenueProfile.for(tenant)
  const { image: logoImage } = await images.store(logo(demo.motif, theme), '')
  await venue.update(await venueProfileValidator.validate({ ...demo.profile, logoImageId: logoImage.id, defaultLocale: 'zh-CN' }), '')
  const banners = []
  for (const [variant, alt] of demo.banners.entries()) {
    const { image } = await images.store(picture(750, 320, theme, motifLayers(demo.motif, theme, 750 / 320, variant)), '')
    banners.push({ imageId: image.id, alt })
  }
  await venue.replaceBanners((await venueBannersValidator.validate({ banners })).banners, '')
}
