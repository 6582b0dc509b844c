import { SessionsController } from '#identity/controllers/sessions_controller'

export default class PlatformSessionsController extends SessionsController {
  realm = 'platform' as const
}
