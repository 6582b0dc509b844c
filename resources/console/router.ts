/*
 * The console's screens. Each names the permission it needs: the menu lists only the screens the
 * member may open, and a screen opened by its address without it says so (the API refuses anyway).
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { consoleBase } from './session'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    permission?: string
    /** Listed in the side menu, in this group. */
    menu?: 'work' | 'catalog' | 'members' | 'distribution' | 'reports' | 'settings'
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/', component: () => import('./views/HomeView.vue') },
  { path: '/onboarding', component: () => import('./views/OnboardingView.vue'), meta: { title: '开通向导 Setup', permission: 'venue:read', menu: 'settings' } },
  { path: '/orders', component: () => import('./views/OrdersView.vue'), meta: { title: '订单 Orders', permission: 'orders:read', menu: 'work' } },
  { path: '/box-office', component: () => import('./views/BoxOfficeView.vue'), meta: { title: '售票 Box office', permission: 'orders:write', menu: 'work' } },
  { path: '/orders/:number', component: () => import('./views/OrderDetailView.vue'), meta: { title: '订单详情 Order', permission: 'orders:read' } },
  { path: '/reviews', component: () => import('./views/ReviewsView.vue'), meta: { title: '退改审核 Requests', permission: 'refunds:read', menu: 'work' } },
  { path: '/checkins', component: () => import('./views/catalog/CheckinsView.vue'), meta: { title: '核销 Check-in', permission: 'checkin:read', menu: 'work' } },
  { path: '/visitors', component: () => import('./views/catalog/VisitorsView.vue'), meta: { title: '游客 Visitors', permission: 'orders:read', menu: 'work' } },
  { path: '/visitors/:id(\\d+)', component: () => import('./views/catalog/VisitorDetailView.vue'), meta: { title: '游客详情 Visitor', permission: 'orders:read' } },
  { path: '/messages', component: () => import('./views/catalog/MessagesView.vue'), meta: { title: '消息记录 Messages', permission: 'orders:read', menu: 'work' } },
  { path: '/products', component: () => import('./views/ProductsView.vue'), meta: { title: '产品 Products', permission: 'catalog:read', menu: 'catalog' } },
  { path: '/sessions', component: () => import('./views/SessionsView.vue'), meta: { title: '场次 Sessions', permission: 'catalog:read', menu: 'catalog' } },
  { path: '/sites', component: () => import('./views/SitesView.vue'), meta: { title: '场地 Sites', permission: 'catalog:read', menu: 'catalog' } },
  { path: '/seat-maps', component: () => import('./views/catalog/SeatMapsView.vue'), meta: { title: '座位图 Seat maps', permission: 'inventory:read', menu: 'catalog' } },
  { path: '/prices', component: () => import('./views/catalog/PriceCalendarView.vue'), meta: { title: '价格日历 Price calendar', permission: 'catalog:read', menu: 'catalog' } },
  { path: '/inventory', component: () => import('./views/catalog/InventoryView.vue'), meta: { title: '库存 Inventory', permission: 'inventory:read', menu: 'catalog' } },
  { path: '/channels', component: () => import('./views/ChannelsView.vue'), meta: { title: '支付与公众号 Channels', permission: 'channels:read', menu: 'settings' } },
  { path: '/venue', component: () => import('./views/catalog/VenueView.vue'), meta: { title: '场馆与品牌 Venue & branding', permission: 'venue:read', menu: 'settings' } },
  { path: '/devices', component: () => import('./views/catalog/DevicesView.vue'), meta: { title: '设备 Devices', permission: 'devices:read', menu: 'settings' } },
  { path: '/booking-rules', component: () => import('./views/catalog/BookingRulesView.vue'), meta: { title: '预订规则 Booking rules', permission: 'inventory:read', menu: 'settings' } },
  { path: '/statistics', component: () => import('./views/reports/StatisticsView.vue'), meta: { title: '统计 Statistics', permission: 'reports:read', menu: 'reports' } },
  { path: '/exports', component: () => import('./views/reports/ExportsView.vue'), meta: { title: '导出 Exports', permission: 'reports:read', menu: 'reports' } },
  { path: '/finance', component: () => import('./views/reports/FinanceView.vue'), meta: { title: '财务对账 Settlement', permission: 'finance:read', menu: 'reports' } },
  { path: '/staff', component: () => import('./views/reports/StaffView.vue'), meta: { title: '员工 Staff', permission: 'staff:read', menu: 'settings' } },
  { path: '/roles', component: () => import('./views/reports/RolesView.vue'), meta: { title: '角色 Roles', permission: 'roles:read', menu: 'settings' } },
  { path: '/audit', component: () => import('./views/reports/AuditView.vue'), meta: { title: '审计日志 Audit log', permission: 'audit:read', menu: 'settings' } },
  { path: '/members', component: () => import('./views/members/MembersView.vue'), meta: { title: '会员 Members', permission: 'members:read', menu: 'members' } },
  { path: '/members/:id(\\d+)', component: () => import('./views/members/MemberDetailView.vue'), meta: { title: '会员详情 Member', permission: 'members:read' } },
  { path: '/member-tiers', component: () => import('./views/members/MemberTiersView.vue'), meta: { title: '会员等级与积分 Tiers & points', permission: 'members:read', menu: 'members' } },
  { path: '/passes', component: () => import('./views/members/PassesView.vue'), meta: { title: '年卡 Passes', permission: 'members:read', menu: 'members' } },
  { path: '/passes/:id(\\d+)', component: () => import('./views/members/PassDetailView.vue'), meta: { title: '年卡详情 Pass', permission: 'members:read' } },
  { path: '/coupons', component: () => import('./views/members/CouponsView.vue'), meta: { title: '优惠券 Coupons', permission: 'members:read', menu: 'members' } },
  { path: '/distributors', component: () => import('./views/members/DistributorsView.vue'), meta: { title: '分销商 Distributors', permission: 'members:read', menu: 'distribution' } },
  { path: '/distributors/:id(\\d+)', component: () => import('./views/members/DistributorDetailView.vue'), meta: { title: '分销商详情 Distributor', permission: 'members:read' } },
  { path: '/webhooks', component: () => import('./views/members/WebhooksView.vue'), meta: { title: '推送 Webhooks', permission: 'venue:read', menu: 'distribution' } },
  { path: '/:rest(.*)*', component: () => import('./views/NotFoundView.vue'), meta: { title: '未找到 Not found' } },
]

export const router = createRouter({ history: createWebHistory(consoleBase), routes })

/** The menu's screens, in order. */
export const menuRoutes = routes.filter((route) => route.meta?.menu)
