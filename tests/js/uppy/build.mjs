// Bundles page.mjs (and Uppy's CSS) for the browser into the folder given: page.js, page.css.
import { build } from 'esbuild'

const outdir = process.argv[2]
if (!outdir) {
  console.error('usage: node uppy/build.mjs OUTDIR')
  process.exit(2)
}
await build({
  entryPoints: [new URL('./page.mjs', import.meta.url).pathname],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  outdir,
  entryNames: 'page',
  logLevel: 'warning',
})
console.log(JSON.stringify({ outdir }))
