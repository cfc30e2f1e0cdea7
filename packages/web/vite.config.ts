import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

/** The daemon the dev server forwards the API to, unless `RDISC_DAEMON_URL` says otherwise. */
const DEFAULT_DAEMON_URL = 'http://127.0.0.1:8645'

/**
 * Builds the page into `dist/www` for the daemon to serve. The output has no
 * inline script or style (the daemon's Content-Security-Policy forbids them)
 * and every URL is relative, so the page works behind a path prefix.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: 'dist/www',
    emptyOutDir: true,
    assetsDir: 'assets',
    // every asset is a file of its own: a data: URL would be inline content
    assetsInlineLimit: 0,
    // the browsers the page targets all support <link rel="modulepreload">
    modulePreload: { polyfill: false },
    target: 'es2022',
    reportCompressedSize: false
  },
  server: {
    proxy: {
      '/v1': {
        target: process.env.RDISC_DAEMON_URL ?? DEFAULT_DAEMON_URL,
        changeOrigin: true
      }
    }
  }
})
