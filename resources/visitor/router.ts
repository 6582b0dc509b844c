/*
 * The H5 pages' paths, under the venue's root (/t/<slug>/ or / on its host). They avoid the
 * server's own tenant paths (/api, /orders/:number e-ticket page, /wechat, /console, /scanner…);
 * the server answers each with the same shell (start/routes/visitor.ts). Only the home page is in
 * the first bundle: buying, seat maps, paying and orders load when first opened.
 */
import { createRouter, createWebHistory } from 'vue-router'
import { basePath } from './http'
import Home from './pages/Home.vue'

export const router = createRouter({
  history: createWebHistory(`${basePath}/`),
  routes: [
    { path: '/', name: 'home', component: Home, meta: { tab: 'home' } },
    { path: '/buy/:id(\\d+)', name: 'buy', component: () => import('./pages/Buy.vue') },
    { path: '/pay/:number', name: 'pay', component: () => import('./pages/Pay.vue') },
    { path: '/my/orders', name: 'orders', component: () => import('./pages/Orders.vue'), meta: { tab: 'orders' } },
    { path: '/my/orders/:number', name: 'order', component: () => import('./pages/OrderDetail.vue') },
    { path: '/my', name: 'account', component: () => import('./pages/Account.vue'), meta: { tab: 'account' } },
    { path: '/my/visitors', name: 'holders', component: () => import('./pages/Holders.vue') },
    { path: '/my/member', name: 'member', component: () => import('./pages/Member.vue') },
    { path: '/my/passes', name: 'passes', component: () => import('./pages/Passes.vue') },
    { path: '/login', name: 'login', component: () => import('./pages/Login.vue') },
    { path: '/:rest(.*)*', name: 'not-found', component: () => import('./pages/NotFound.vue') },
  ],
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
})
