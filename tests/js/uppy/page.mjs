// The Uppy test page's script (tests/Hoist.Browser.Tests, UppyTests): @uppy/core + @uppy/dashboard and,
// as the page's query says, @uppy/tus with Hoist's /files/ or @uppy/aws-s3 with Hoist as its Companion,
// sending Hoist's API key. Set up as the README's "Uppy" section says; bundled by esbuild (build.mjs)
// when the tests start.
import Uppy from '@uppy/core'
import Dashboard from '@uppy/dashboard'
import Tus from '@uppy/tus'
import AwsS3 from '@uppy/aws-s3'
import '@uppy/core/css/style.min.css'
import '@uppy/dashboard/css/style.min.css'

const query = new URLSearchParams(location.search)
const hoist = query.get('hoist') // Hoist's address, without a trailing slash
const apiKey = query.get('key')

// @uppy/aws-s3 6 sends its Companion calls with fetch() and no headers of its own: the key is added
// to the calls to Hoist's /s3/ routes (the part PUTs go to signed URLs and need none).
const fetchWithoutKey = window.fetch.bind(window)
window.fetch = (input, init = {}) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  if (url.startsWith(`${hoist}/s3/`)) {
    const headers = new Headers(init.headers)
    headers.set('Authorization', `Bearer ${apiKey}`)
    return fetchWithoutKey(input, { ...init, headers })
  }
  return fetchWithoutKey(input, init)
}

const uppy = new Uppy({ autoProceed: false })
uppy.use(Dashboard, { inline: true, target: '#uppy', proudlyDisplayPoweredByUppy: false })
if (query.get('plugin') === 'tus') {
  uppy.use(Tus, { endpoint: `${hoist}/files/`, headers: { Authorization: `Bearer ${apiKey}` } })
} else {
  uppy.use(AwsS3, { companionEndpoint: hoist, shouldUseMultipart: () => true })
}

// What the test reads back: each file's success or error, and the end of the batch.
window.uploaded = []
window.failed = []
uppy.on('upload-success', (file, response) => window.uploaded.push({ name: file.name, size: file.size, uploadURL: response.uploadURL ?? null }))
uppy.on('upload-error', (file, error) => window.failed.push({ name: file?.name ?? null, message: String(error) }))
uppy.on('complete', (result) => { window.completed = { successful: result.successful?.length ?? 0, failed: result.failed?.length ?? 0 } })
window.uppy = uppy
