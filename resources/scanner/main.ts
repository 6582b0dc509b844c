/*
 * The scanner (核销) for staff phones: sign in, choose the site, scan tickets.
 */
import { createApp } from 'vue'
import '../shared/base.css'
import App from './App.vue'

createApp(App).mount('#app')
