// Sends the parts of one upload that the store does not hold yet, a few at once, each retried on its
// own by the retry policy: through Hoist (PUT /api/uploads/{id}/parts/{n}, with its SHA-256), or in
// direct mode straight to the store (a presigned URL from PartUrls, with its Content-MD5; see
// direct-mode.mjs). A part the store cannot be reached for directly (a bucket whose CORS rule does
// not allow this page looks like that) goes through Hoist, and so does every later part.
//
// A part the store already holds, but whose bytes this page has not hashed (a resume after a
// reload), is hashed here and compared with the store's checksum of it (its SHA-256, or for a part
// sent directly its MD5): it is sent again only if the file changed since. Stopping a sender (pause,
// cancel, a failed part) aborts every request it has in flight at once and every wait between tries;
// the bytes of an aborted part do not count.
//
// A request can also be lost without an answer: the network went away while it was in flight (the
// browser's `offline` event), or nothing moved for a long while (a dead connection). Such a request
// is aborted and counts as "no answer" (status 0): the retry policy waits for the connection.

import { ApiError, describeProblem, problemOf } from './api.mjs';
import { sameBytes, toBase64, toHex } from './checksum.mjs';
import { concurrencyLimit } from './concurrency.mjs';
import { DirectRefused, storeProblemOf } from './direct-mode.mjs';
import { withRetries } from './retry-policy.mjs';
import { checksumHeader, codes } from './wire.mjs';

/** How long a part request may go without sending a byte or getting its answer before it counts as lost. */
const stallMs = 45_000;

/** Why a sender ended without sending everything: it was told to stop. */
export class Stopped extends Error {
  constructor() {
    super('Stopped.');
    this.name = 'Stopped';
  }
}

/** A part request that failed: the HTTP status (0 = no answer), the problem and Retry-After. */
export class PartFailure extends Error {
  constructor(partNumber, status, problem = {}, retryAfter = null) {
    super(describeProblem(status, problem));
    this.name = 'PartFailure';
    this.partNumber = partNumber;
    this.status = status;
    this.code = problem.code ?? null;
    this.retryAfter = retryAfter;
  }
}

export class PartSender {
  #api;
  #file;
  #uploadId;
  #partSize;
  #parallel;
  #retryPolicy;
  #hashesOf;
  #direct;
  #onDirectFailed;
  #onStored;
  #onRetry;
  #jobs;
  #controller = new AbortController();
  #requests = new Set();
  /** Requests aborted because they were lost, not because the sender stopped. */
  #lost = new WeakSet();
  /** partNumber → bytes of its request the browser has sent so far */
  #loaded = new Map();

  /**
   * @param {object} options
   * @param {import('./api.mjs').HoistApi} options.api
   * @param {File} options.file
   * @param {{uploadId: string, partSize: number}} options.upload
   * @param {number[]} options.send part numbers to send
   * @param {Map<number, {sha256: Uint8Array | null, md5: Uint8Array | null}>} [options.check] stored parts to hash and compare first: part number → the store's checksums of it
   * @param {number} options.parallel requests in flight at most
   * @param {ReturnType<import('./retry-policy.mjs').backoff>} options.retryPolicy
   * @param {(partNumber: number, blob: Blob) => Promise<{sha256: Uint8Array | null, md5: Uint8Array | null}>} options.hashesOf the part's SHA-256 (null without checksums) and MD5 (null outside direct mode)
   * @param {import('./direct-mode.mjs').PartUrls | null} [options.direct] the part URLs in direct mode, null to send through Hoist
   * @param {() => void} [options.onDirectFailed] a part could not be sent directly: the rest go through Hoist
   * @param {(partNumber: number, answer: object, size: number) => void} options.onStored a part was stored
   * @param {(failure: PartFailure, attempt: number, delayMs: number) => void} [options.onRetry]
   */
  constructor({ api, file, upload, send, check = new Map(), parallel, retryPolicy, hashesOf, direct = null, onDirectFailed = () => {}, onStored, onRetry = () => {} }) {
    this.#api = api;
    this.#file = file;
    this.#uploadId = upload.uploadId;
    this.#partSize = upload.partSize;
    this.#parallel = parallel;
    this.#retryPolicy = retryPolicy;
    this.#hashesOf = hashesOf;
    this.#direct = direct;
    this.#onDirectFailed = onDirectFailed;
    this.#onStored = onStored;
    this.#onRetry = onRetry;
    // Missing parts first: comparing stored ones is only reading and hashing.
    this.#jobs = [...send.map((partNumber) => ({ partNumber })), ...[...check].map(([partNumber, stored]) => ({ partNumber, stored }))];
  }

  /** Bytes of parts in flight: sent to the server, not yet acknowledged. */
  get inFlightBytes() {
    let bytes = 0;
    for (const loaded of this.#loaded.values()) bytes += loaded;
    return bytes;
  }

  /** Resolves once every part is stored; rejects with the last PartFailure of a part, or Stopped. */
  async run() {
    const limit = concurrencyLimit(Math.max(1, this.#parallel));
    const offline = () => this.#loseAll();
    globalThis.addEventListener?.('offline', offline);
    try {
      await Promise.all(this.#jobs.map((job) => limit(() => this.#do(job))));
    } catch (error) {
      // One part gave up: the others stop too, so the file has nothing left in flight.
      this.stop();
      throw error;
    } finally {
      globalThis.removeEventListener?.('offline', offline);
    }
    this.#throwIfStopped();
  }

  /** Aborts every request in flight as lost: each is tried again once the connection is back. */
  #loseAll() {
    for (const xhr of [...this.#requests]) this.#lose(xhr);
  }

  #lose(xhr) {
    this.#lost.add(xhr);
    xhr.abort();
  }

  /** Aborts every request in flight and every wait; run() rejects with Stopped. */
  stop() {
    if (this.#controller.signal.aborted) return;
    this.#controller.abort(new Stopped());
    for (const xhr of this.#requests) xhr.abort();
    this.#requests.clear();
    this.#loaded.clear();
  }

  get stopped() {
    return this.#controller.signal.aborted;
  }

  #throwIfStopped() {
    if (this.stopped) throw new Stopped();
  }

  #blobOf(partNumber) {
    const start = (partNumber - 1) * this.#partSize;
    return this.#file.slice(start, Math.min(start + this.#partSize, this.#file.size));
  }

  async #do({ partNumber, stored }) {
    this.#throwIfStopped();
    const blob = this.#blobOf(partNumber);
    const hashes = await this.#hashesOf(partNumber, blob);
    this.#throwIfStopped();
    if (stored && holdsSameBytes(stored, hashes)) return;
    try {
      const answer = await withRetries(() => this.#sendOnce(partNumber, blob, hashes), this.#retryPolicy, {
        signal: this.#controller.signal,
        onRetry: (attempt, delay, failure) => this.#onRetry(failure, attempt, delay),
      });
      this.#onStored(partNumber, answer, blob.size);
    } catch (error) {
      throw this.stopped ? new Stopped() : error;
    }
  }

  /** One try: straight to the store while direct mode holds, else (or once it failed) through Hoist. */
  async #sendOnce(partNumber, blob, hashes) {
    // No MD5 to sign the URL with (WebAssembly forbidden here): through Hoist, as when the store refuses.
    if (this.#direct && !hashes.md5) this.#fallBack();
    if (this.#direct) {
      try {
        return await this.#sendDirect(partNumber, blob, hashes.md5);
      } catch (error) {
        if (!(error instanceof DirectRefused)) throw error;
        this.#fallBack();
      }
    }
    const headers = { 'Content-Type': 'application/octet-stream', Accept: 'application/json' };
    if (hashes.sha256) headers[checksumHeader] = toBase64(hashes.sha256);
    return this.#put(partNumber, blob, { url: this.#api.partUrl(this.#uploadId, partNumber), headers, direct: false });
  }

  /** The rest of this upload goes through Hoist; the transfer remembers it for later files. */
  #fallBack() {
    if (!this.#direct) return;
    this.#direct = null;
    this.#onDirectFailed();
  }

  /**
   * PUT to the part's presigned URL with exactly the headers Hoist gave. An expired URL (403) is
   * asked again, and a part the store says arrived damaged (400 BadDigest) sent again, a few times.
   */
  async #sendDirect(partNumber, blob, md5) {
    for (let renewals = 0; ; renewals++) {
      const direct = this.#direct;
      if (!direct) throw new DirectRefused(partNumber);
      let target;
      try {
        target = await direct.urlOf(partNumber, md5);
      } catch (error) {
        // Direct mode ended on the server (turned off, the store cannot presign): through Hoist then.
        if (error instanceof ApiError && error.code === codes.directUnavailable) throw new DirectRefused(partNumber);
        if (error instanceof ApiError) throw new PartFailure(partNumber, error.status, error.problem, error.retryAfter);
        throw error;
      }
      this.#throwIfStopped();
      try {
        const answer = await this.#put(partNumber, blob, { url: target.url, headers: target.headers, direct: true });
        // The ETag is readable when the bucket's CORS rule exposes it: the store's MD5 of what it got.
        if (answer.etag && answer.etag !== toHex(md5)) throw new PartFailure(partNumber, 400, { code: 'BadDigest', title: 'The store holds other bytes than were sent.' });
        return answer;
      } catch (error) {
        if (renewals < 2 && error instanceof PartFailure && (error.status === 403 || error.code === 'BadDigest')) {
          direct.forget(partNumber);
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * One XHR PUT of a part (XHR, for its upload progress). Through Hoist it answers JSON; the store
   * answers its ETag. A direct PUT that gets no answer while the browser is online is DirectRefused.
   */
  #put(partNumber, blob, { url, headers, direct }) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      // Nothing sent and no answer for this long: the connection is dead, though no error came.
      let lastActivity = Date.now();
      const watchdog = setInterval(() => {
        if (Date.now() - lastActivity > stallMs) this.#lose(xhr);
      }, 5000);
      const settle = (action) => {
        clearInterval(watchdog);
        this.#requests.delete(xhr);
        this.#loaded.delete(partNumber);
        action();
      };
      xhr.open('PUT', url);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => {
        lastActivity = Date.now();
        if (this.#requests.has(xhr)) this.#loaded.set(partNumber, event.loaded);
      };
      xhr.onload = () =>
        settle(() => {
          if (xhr.status >= 200 && xhr.status < 300 && direct) {
            resolve({ etag: xhr.getResponseHeader('etag')?.replaceAll('"', '').toLowerCase() ?? null });
          } else if (xhr.status >= 200 && xhr.status < 300) {
            try {
              resolve(JSON.parse(xhr.responseText));
            } catch {
              reject(new PartFailure(partNumber, 502, { title: 'The server answered something other than JSON.' }));
            }
          } else {
            reject(new PartFailure(partNumber, xhr.status, direct ? storeProblemOf(xhr) : problemOf(xhr), xhr.getResponseHeader('retry-after')));
          }
        });
      xhr.onerror = () => settle(() => reject(direct && globalThis.navigator?.onLine !== false ? new DirectRefused(partNumber) : new PartFailure(partNumber, 0)));
      xhr.onabort = () => settle(() => reject(this.#lost.has(xhr) && !this.stopped ? new PartFailure(partNumber, 0) : new Stopped()));
      this.#requests.add(xhr);
      xhr.send(blob);
    });
  }
}

/** Whether a stored part has the bytes hashed here: by SHA-256 when both have one, else by MD5 (a part sent directly). */
function holdsSameBytes(stored, hashes) {
  if (stored.sha256 && hashes.sha256) return sameBytes(stored.sha256, hashes.sha256);
  if (stored.md5 && hashes.md5) return sameBytes(stored.md5, hashes.md5);
  return false;
}
