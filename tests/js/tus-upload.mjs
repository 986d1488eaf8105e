// Uploads one file with tus-js-client as its users do, for the tus tests (tests/Hoist.Server.Tests/Tus).
// Usage: node tus-upload.mjs '<json options>'
//   { endpoint, file, headers?, chunkSize? (null = Infinity), parallelUploads?, metadata?, uploadUrl?,
//     abortAfterBytes?, terminateAfterBytes?, overridePatchMethod?, uploadDataDuringCreation?, uploadLengthDeferred? }
// Prints one JSON line: { ok, url, error?, status?, aborted?, bytesSent }.
import { readFileSync } from 'node:fs';
import * as tus from 'tus-js-client';

const options = JSON.parse(process.argv[2]);
const file = readFileSync(options.file);

function finish(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

let bytesSent = 0;
let stopping = false;
const upload = new tus.Upload(file, {
  endpoint: options.endpoint,
  uploadUrl: options.uploadUrl ?? null,
  headers: options.headers ?? {},
  chunkSize: options.chunkSize ?? Infinity,
  parallelUploads: options.parallelUploads ?? 1,
  metadata: options.metadata ?? {},
  overridePatchMethod: options.overridePatchMethod ?? false,
  uploadDataDuringCreation: options.uploadDataDuringCreation ?? false,
  uploadLengthDeferred: options.uploadLengthDeferred ?? false,
  retryDelays: null,
  storeFingerprintForResuming: false,
  onProgress(sent) {
    bytesSent = sent;
    const limit = options.abortAfterBytes ?? options.terminateAfterBytes;
    if (limit != null && sent >= limit && !stopping) {
      stopping = true;
      const terminate = options.terminateAfterBytes != null;
      upload.abort(terminate).then(
        () => finish({ ok: false, aborted: true, terminated: terminate, url: upload.url, bytesSent }),
        (error) => finish({ ok: false, aborted: true, url: upload.url, bytesSent, error: String(error) }));
    }
  },
  onSuccess() {
    if (!stopping) finish({ ok: true, url: upload.url, bytesSent });
  },
  onError(error) {
    if (stopping) return;
    const status = error.originalResponse ? error.originalResponse.getStatus() : null;
    const body = error.originalResponse ? error.originalResponse.getBody() : null;
    finish({ ok: false, url: upload.url, bytesSent, error: String(error), status, body });
  },
});
upload.start();
