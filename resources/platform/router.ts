/*
 * The platform console's screens, at /platform/<screen> (the server answers every such address
 * with this app, so a reload or a shared link opens the same screen).
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    /** Listed in the side menu. */
    platformMenu?: boolean
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/tenants' },
  { path: '/tenants', component: () => import('./views/TenantsView.vue'), meta: { title: '场馆 Venues', platformMenu: true } },
  { path: '/tenants/:id(\\d+)', component: () => import('./views/TenantDetailView.vue'), meta: { title: '场馆详情 Venue' } },
  { path: '/plans', component: () => import('./views/PlansView.vue'), meta: { title: '套餐 Plans', platformMenu: true } },
  { path: '/stats', component: () => import('./views/StatsView.vue'), meta: { title: '平台统计 Statistics', platformMenu: true } },
  { path: '/audit', component: () => import('./views/AuditView.vue'), meta: { title: '审计日志 Audit log', platformMenu: true } },
  { path: '/:rest(.*)*', redirect: '/tenants' },
]

export const router = createRouter({ history: createWebHistory('/platform/'), routes })

export const menuRoutes = routes.filter((route) => route.meta?.platformMenu)

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · Tessera 平台管理` : 'Tessera 平台管理'
})
