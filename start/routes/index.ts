/*
 * Routes, grouped by surface. Tenant surfaces are mounted twice: on the venue's own host and,
 * for development, under /t/<slug> on any host (start/routes/tenant_surface.ts).
 */
import './platform.js'
import './console.js'
import './console_admin.js'
import './console_catalog.js'
import './visitor.js'
import './prices.js'
import './seat_maps.js'
import './booking_rules.js'
import './orders.js'
import './messages.js'
import './checkin.js'
import './wechat.js'
import './faces.js'
import './webhooks_out.js'
import './coupons.js'
