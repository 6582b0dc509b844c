/*
 * The visitor H5 (游客端): a venue's mobile shop, opened from its official account menu.
 */
import { createApp } from 'vue'
import '../shared/base.css'
import './visitor.css'
import App from './App.vue'
import { router } from './router'
import { initLocale } from './i18n'

// Chinese needs nothing loaded (mounts at once); English waits for its words.
initLocale().finally(() => createApp(App).use(router).mount('#app'))
