import { readFile, rm } from 'node:fs/promises'
import type { HttpContext } from '@adonisjs/core/http'
import { invalid } from '#core/app_error'
import VenueImages from '#catalog/services/venue_images'

/** Content-addressed URLs: the bytes behind one never change. */
const IMMUTABLE = 'public, max-age=31536000, immutable'

/** The venue's uploaded images (console) and their files (/media, for anyone). */
export default class VenueImagesController {
  async index(ctx: HttpContext) {
    return { images: await VenueImages.for(ctx.tenant!).list(ctx.tenantBasePath!) }
  }

  /** multipart/form-data with the image in `file`. */
  async store(ctx: HttpContext) {
    const file = ctx.request.file('file')
    if (!file?.tmpPath) throw invalid('file', 'Attach the image as the multipart field "file"', 'E_IMAGE_MISSING')
    try {
      const { image, created } = await VenueImages.for(ctx.tenant!).store(await readFile(file.tmpPath), ctx.tenantBasePath!)
      ctx.response.status(created ? 201 : 200)
      return { image }
    } finally {
      await rm(file.tmpPath, { force: true })
    }
  }

  async destroy(ctx: HttpContext) {
    await VenueImages.for(ctx.tenant!).destroy(Number(ctx.params.id))
    return ctx.response.noContent()
  }

  /** GET /media/<id>-<hash prefix>.<ext> */
  async file({ params, response, tenant }: HttpContext) {
    const { data, contentType } = await VenueImages.for(tenant!).file(params.file)
    return response
      .header('content-type', contentType)
      .header('cache-control', IMMUTABLE)
      .header('x-content-type-options', 'nosniff')
      .send(data)
  }
}
