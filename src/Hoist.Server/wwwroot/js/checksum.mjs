// SHA-256 with WebCrypto. crypto.subtle exists only in secure contexts (HTTPS, localhost): where it
// is missing the page uploads without part checksums rather than not at all.

export const checksumsAvailable = Boolean(globalThis.crypto?.subtle);

/** The SHA-256 of a Blob (a part of a file), as bytes. Reads the blob once. */
export async function sha256(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return new Uint8Array(digest);
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
