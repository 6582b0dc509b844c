/*
 * The venue console (场馆管理后台) for desktop browsers: staff sign in, then work through the screens
 * their permissions open. Element Plus components are imported on demand (vite.config.ts).
 */
import { createApp } from 'vue'
import '../shared/base.css'
import './console.css'
import App from './App.vue'
import { router } from './router'

createApp(App).use(router).mount('#app')
