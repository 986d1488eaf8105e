// The uploads this browser started and has not finished, so that a file dropped again after a
// reload or a crash resumes its upload instead of starting over.
//
// One localStorage entry holds them all, keyed by a fingerprint of the file: a SHA-256 over its
// name, size, last-modified time and the SHA-256 of its first MiB. Kept with it: the uploadId, its
// expiry, when it began, and the file's name and size, so that the page can list the unfinished
// uploads after a reload (UnfinishedUploads). Every call reads and writes the entry afresh, so two
// tabs see each other's changes; a change here is told with a 'change' event.

import { sha256, toBase64, toHex } from './checksum.mjs';

const storageKey = 'hoist.uploads.v1';
const headBytes = 1024 * 1024;

/** The fingerprint of a file (hex). Reads the first MiB once. */
export async function fingerprintOf(file) {
  const head = await sha256(file.slice(0, headBytes));
  const identity = new TextEncoder().encode(JSON.stringify([file.name, file.size, file.lastModified, toBase64(head)]));
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', identity)));
}

/** localStorage, or null where the browser refuses it (disabled storage, some private modes). */
function localStorageOrNull() {
  try {
    const storage = globalThis.localStorage;
    storage?.getItem(storageKey);
    return storage ?? null;
  } catch {
    return null;
  }
}

export class RememberedUploads extends EventTarget {
  #storage;
  #maxEntries;

  /**
   * @param {{storage?: Storage | null, maxEntries?: number}} [options]
   */
  constructor({ storage = localStorageOrNull(), maxEntries = 50 } = {}) {
    super();
    this.#storage = storage;
    this.#maxEntries = maxEntries;
    this.#write(this.#read());
  }

  /** False where nothing can be kept: resuming after a reload is then not offered. */
  get available() {
    return this.#storage !== null;
  }

  /** {uploadId, expiresAt} of the file's unfinished upload, or null. */
  get(fingerprint) {
    const entry = this.#read()[fingerprint];
    return entry ? { uploadId: entry.uploadId, expiresAt: entry.expiresAt } : null;
  }

  /** Every live entry, the newest first: {fingerprint, uploadId, expiresAt, savedAt, name?, size?}. */
  list() {
    return Object.entries(this.#read())
      .map(([fingerprint, entry]) => ({ fingerprint, ...entry }))
      .sort((a, b) => (b.savedAt ?? 0) - (a.savedAt ?? 0));
  }

  remember(fingerprint, { uploadId, expiresAt, name, size }) {
    const entries = this.#read();
    entries[fingerprint] = { uploadId, expiresAt, savedAt: Date.now(), name, size };
    this.#write(entries);
    this.dispatchEvent(new Event('change'));
  }

  forget(fingerprint) {
    const entries = this.#read();
    if (!(fingerprint in entries)) return;
    delete entries[fingerprint];
    this.#write(entries);
    this.dispatchEvent(new Event('change'));
  }

  /** The live entries: unreadable and expired ones are dropped as they are read. */
  #read() {
    let entries;
    try {
      entries = JSON.parse(this.#storage?.getItem(storageKey) ?? '{}');
    } catch {
      return {};
    }
    if (!entries || typeof entries !== 'object' || Array.isArray(entries)) return {};
    const now = Date.now();
    const live = {};
    for (const [fingerprint, entry] of Object.entries(entries)) {
      const expires = Date.parse(entry?.expiresAt);
      if (typeof entry?.uploadId === 'string' && expires > now) live[fingerprint] = entry;
    }
    return live;
  }

  #write(entries) {
    if (!this.#storage) return;
    // The newest entries are kept when there are too many.
    let kept = Object.entries(entries).sort(([, a], [, b]) => (b.savedAt ?? 0) - (a.savedAt ?? 0)).slice(0, this.#maxEntries);
    while (true) {
      try {
        if (kept.length) this.#storage.setItem(storageKey, JSON.stringify(Object.fromEntries(kept)));
        else this.#storage.removeItem(storageKey);
        return;
      } catch {
        // Storage full (other data of this origin): keep fewer, down to none.
        if (!kept.length) return;
        kept = kept.slice(0, Math.floor(kept.length / 2));
      }
    }
  }
}
