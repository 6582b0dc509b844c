/*
 * The browser front ends: one Vite multi-page build, one single-page app per surface
 * (docs/front_end.md). Every folder of resources/ holding an index.html is a surface; it builds to
 * public/build/<surface>/index.html, which PagesController fills with the venue's context and
 * serves, and hashed files under public/build/assets/, served at /build/assets/ for a year.
 */
import { existsSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { VantResolver } from '@vant/auto-import-resolver'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

const resources = fileURLToPath(new URL('./resources/', import.meta.url))

const surfaces = Object.fromEntries(
  readdirSync(resources, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(`${resources}${entry.name}/index.html`))
    .map((entry) => [entry.name, `${resources}${entry.name}/index.html`])
)

export default defineConfig({
  root: resources,
  base: '/build/',
  // Component libraries are imported on demand, styles included: a <van-*> tag pulls only that Vant
  // component into the visitor H5, an <el-*> tag only that Element Plus component into a console.
  plugins: [vue(), Components({ dts: false, resolvers: [VantResolver(), ElementPlusResolver()] })],
  build: {
    outDir: fileURLToPath(new URL('./public/build/', import.meta.url)),
    emptyOutDir: true,
    manifest: true,
    rolldownOptions: {
      input: surfaces,
      // ZXing's modules only declare classes, but its packages do not say so (no "sideEffects"):
      // without this rule the scanner carries every barcode format's decoder, 454 kB instead of 115.
      treeshake: { moduleSideEffects: [{ test: /node_modules\/@zxing\//, sideEffects: false }] },
    },
  },
})
