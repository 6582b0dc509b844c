/*
 * The platform super-admin console (平台管理): platform staff sign in with a password and a TOTP
 * code, then manage venues, plans, statistics and the audit log. Element Plus components are
 * imported on demand (vite.config.ts); ECharts only with the charts the statistics draw.
 */
import { createApp } from 'vue'
import '../shared/base.css'
import './platform.css'
import App from './App.vue'
import { router } from './router'

createApp(App).use(router).mount('#app')
