import { SessionsController } from '#identity/controllers/sessions_controller'

export default class StaffSessionsController extends SessionsController {
  realm = 'staff' as const
}
