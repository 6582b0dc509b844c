import type { HttpContext } from '@adonisjs/core/http'
import FaceEnrollments from '#checkin/services/face_enrollments'
import { visitorOrder } from '#orders/services/order_access'
import { enrollFaceValidator, faceRecordsValidator, faceSyncValidator } from '#checkin/validators/face'

/**
 * Face check-in: the visitor enrolls or withdraws a ticket holder's face (on an order they may
 * see), face gates sync faces, staff read the consent records. Rules: FaceEnrollments.
 */
export default class FacesController {
  async show(ctx: HttpContext) {
    const order = await visitorOrder(ctx)
    return FaceEnrollments.for(ctx.tenant!).status(order, Number(ctx.params.ticketId))
  }

  async store(ctx: HttpContext) {
    const order = await visitorOrder(ctx)
    const input = await ctx.request.validateUsing(enrollFaceValidator)
    const evidence = { ip: ctx.request.ip(), userAgent: ctx.request.header('user-agent') ?? null }
    const { created, ...status } = await FaceEnrollments.for(ctx.tenant!).enroll(order, Number(ctx.params.ticketId), input, evidence)
    return ctx.response.status(created ? 201 : 200).send(status)
  }

  async destroy(ctx: HttpContext) {
    const order = await visitorOrder(ctx)
    return FaceEnrollments.for(ctx.tenant!).withdraw(order, Number(ctx.params.ticketId))
  }

  /** A face gate's sync (other devices are refused). */
  async sync(ctx: HttpContext) {
    const { since } = await faceSyncValidator.validate(ctx.request.qs())
    return FaceEnrollments.for(ctx.tenant!).sync(ctx.device!, since)
  }

  async index(ctx: HttpContext) {
    const filters = await faceRecordsValidator.validate(ctx.request.qs())
    return { enrollments: await FaceEnrollments.for(ctx.tenant!).records(filters) }
  }
}
