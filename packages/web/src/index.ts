import { fileURLToPath } from 'node:url'
/** Absolute path of the built page (index.html and assets/), written by `vite build`. */
export const webAssetsDir: string = fileURLToPath(new URL('../dist/www/', import.meta.url))
