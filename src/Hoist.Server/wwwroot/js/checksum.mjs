// SHA-256 with WebCrypto. crypto.subtle exists only in secure contexts (HTTPS, localhost): where it
// is missing the page uploads without part checksums rather than not at all.

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
