import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const HealthController = () => import('#platform/controllers/health_controller')

router.get('/health', [HealthController, 'show']).use(middleware.json())
