// SHA-256 with WebCrypto. crypto.subtle exists only in secure contexts (HTTPS, localhost): where it
// is missing the page uploads without part checksums rather than not at all.
//
// MD5 for direct mode (docs/api.md, "Direct mode"): the store checks each part against its
// Content-MD5 and names parts and objects by MD5s. WebCrypto has no MD5, so hash-wasm's (an npm
// library copied to wwwroot/lib at build) is loaded the first time an MD5 is needed.

export const checksumsAvailable = Boolean(globalThis.crypto?.subtle);

/** The SHA-256 of a Blob (a part of a file), as bytes. Reads the blob once, in a worker where one starts. */
export async function sha256(blob) {
  const worker = hashWorker();
  if (!worker) return sha256Here(blob);
  const { digest, error } = await new Promise((resolve) => {
    const id = ++lastHashId;
    pendingHashes.set(id, { resolve, blob });
    worker.postMessage({ id, blob });
  });
  if (error) throw new Error(error);
  return new Uint8Array(digest);
}

async function sha256Here(blob) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
}

// One worker for the page (hash-worker.mjs), so that WebCrypto's digest leaves the main thread free.
let worker;
let lastHashId = 0;
/** id → {resolve, blob} of the hashes the worker has not answered yet. */
const pendingHashes = new Map();

function hashWorker() {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker(new URL('./hash-worker.mjs', import.meta.url), { type: 'module' });
  } catch {
    worker = null;
    return worker;
  }
  worker.onmessage = ({ data }) => {
    pendingHashes.get(data.id)?.resolve(data);
    pendingHashes.delete(data.id);
  };
  // It could not start (no module workers, a policy): hash here, the waiting parts too.
  worker.onerror = () => {
    worker = null;
    for (const { resolve, blob } of pendingHashes.values()) {
      sha256Here(blob).then((digest) => resolve({ digest: digest.buffer }), (error) => resolve({ error: error.message }));
    }
    pendingHashes.clear();
  };
  return worker;
}

export function toBase64(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromBase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export function fromHex(text) {
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

export function toHex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function sameBytes(a, b) {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * The whole-object checksum the server answers on completion, S3's composite form: SHA-256 of the
 * concatenated binary part SHA-256s, in base64, then "-N".
 * @param {Uint8Array[]} partDigests in part order
 */
export async function compositeSha256(partDigests) {
  const joined = new Uint8Array(partDigests.length * 32);
  partDigests.forEach((digest, i) => joined.set(digest, i * 32));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
  return `${toBase64(digest)}-${partDigests.length}`;
}

/** hash-wasm's md5 once it answered a first call, or null where it cannot run. */
let md5Ready = null;
let md5Failed = false;

/**
 * Loads hash-wasm and makes it compile its WebAssembly with one call that every other waits for: a
 * failed compile (a policy forbidding WebAssembly) leaves its internal lock taken, so a second call
 * made meanwhile would never end.
 */
function md5Function() {
  md5Ready ??= import('../lib/hash-wasm/index.esm.min.js')
    .then(async ({ md5 }) => {
      await md5(new Uint8Array(0));
      return md5;
    })
    .catch(() => {
      md5Failed = true;
      return null;
    });
  return md5Ready;
}

/** False once MD5 could not be had here (the library did not load, or a policy forbids WebAssembly). */
export function md5Available() {
  return !md5Failed;
}

/** The MD5 of bytes, as bytes; null where it cannot be had (md5Available). */
export async function md5OrNull(bytes) {
  const md5Hex = await md5Function();
  return md5Hex ? fromHex(await md5Hex(bytes)) : null;
}

/** The MD5 of bytes, as bytes. */
export async function md5(bytes) {
  const digest = await md5OrNull(bytes);
  if (!digest) throw new Error('MD5 cannot be computed in this browser.');
  return digest;
}

/**
 * SHA-256 (when `withSha256`) and MD5 of a Blob, read once: {sha256: Uint8Array | null, md5: Uint8Array | null}.
 * The MD5 is null where it cannot be had (md5Available): the part then goes through Hoist.
 */
export async function sha256AndMd5(blob, withSha256) {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const [sha, md] = await Promise.all([withSha256 ? crypto.subtle.digest('SHA-256', bytes) : null, md5OrNull(bytes)]);
  return { sha256: sha ? new Uint8Array(sha) : null, md5: md };
}

/**
 * The ETag S3 gives an object completed from parts: the hex MD5 of the concatenated binary part
 * MD5s, then "-N". What the stored object's etag must be when the store holds exactly these parts.
 * @param {Uint8Array[]} partMd5s in part order
 */
export async function multipartEtag(partMd5s) {
  const joined = new Uint8Array(partMd5s.length * 16);
  partMd5s.forEach((digest, i) => joined.set(digest, i * 16));
  return `${toHex(await md5(joined))}-${partMd5s.length}`;
}
