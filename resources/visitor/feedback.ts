/*
 * Vant's dialogs and toasts, for the pages that use them. Function APIs are not components, so
 * the resolver cannot add their styles: they come here, loaded with those pages, never with home.
 */
import 'vant/es/toast/style'
import 'vant/es/dialog/style'

export { showConfirmDialog, showDialog, showToast } from 'vant'
