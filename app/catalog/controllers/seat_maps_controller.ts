import type { HttpContext } from '@adonisjs/core/http'
import SeatMapService from '#catalog/services/seat_map_service'
import { seatMapValidator } from '#catalog/validators/seat_map'

/** Hall seat maps (console) and a session's seats (visitors). */
export default class SeatMapsController {
  async show({ tenant, params }: HttpContext) {
    return { seatMap: await SeatMapService.for(tenant!).show(Number(params.id)) }
  }

  async update({ tenant, params, request }: HttpContext) {
    const map = await request.validateUsing(seatMapValidator)
    return { seatMap: await SeatMapService.for(tenant!).replace(Number(params.id), map) }
  }

  async sessionSeats({ tenant, params }: HttpContext) {
    return { seats: await SeatMapService.for(tenant!).sessionSeats(Number(params.sessionId)) }
  }
}
