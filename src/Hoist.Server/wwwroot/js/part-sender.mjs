// Sends the parts of one upload that the store does not hold yet: PUT /api/uploads/{id}/parts/{n},
// a few at once, each with its SHA-256, each retried on its own by the retry policy.
//
// A part the store already holds, but whose bytes this page has not hashed (a resume after a
// reload), is hashed here and compared with the store's checksum of it: it is sent again only if
// the file changed since. Stopping a sender (pause, cancel, a failed part) aborts every request it
// has in flight at once and every wait between tries; the bytes of an aborted part do not count.
//
// A request can also be lost without an answer: the network went away while it was in flight (the
// browser's `offline` event), or nothing moved for a long while (a dead connection). Such a request
// is aborted and counts as "no answer" (status 0): the retry policy waits for the connection.

import { describeProblem, problemOf } from './api.mjs';
import { sameBytes, toBase64 } from './checksum.mjs';
import { concurrencyLimit } from './concurrency.mjs';
import { withRetries } from './retry-policy.mjs';
import { checksumHeader } from './wire.mjs';

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
  #digestOf;
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
   * @param {Map<number, Uint8Array>} [options.check] stored parts to hash and compare first: part number → the store's SHA-256
   * @param {number} options.parallel requests in flight at most
   * @param {ReturnType<import('./retry-policy.mjs').backoff>} options.retryPolicy
   * @param {(partNumber: number, blob: Blob) => Promise<Uint8Array | null>} options.digestOf the part's SHA-256, null without checksums
   * @param {(partNumber: number, answer: object, size: number) => void} options.onStored a part was stored
   * @param {(failure: PartFailure, attempt: number, delayMs: number) => void} [options.onRetry]
   */
  constructor({ api, file, upload, send, check = new Map(), parallel, retryPolicy, digestOf, onStored, onRetry = () => {} }) {
    this.#api = api;
    this.#file = file;
    this.#uploadId = upload.uploadId;
    this.#partSize = upload.partSize;
    this.#parallel = parallel;
    this.#retryPolicy = retryPolicy;
    this.#digestOf = digestOf;
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
    const digest = await this.#digestOf(partNumber, blob);
    this.#throwIfStopped();
    if (stored && digest && sameBytes(digest, stored)) return;
    const headers = digest ? { [checksumHeader]: toBase64(digest) } : {};
    try {
      const answer = await withRetries(() => this.#put(partNumber, blob, headers), this.#retryPolicy, {
        signal: this.#controller.signal,
        onRetry: (attempt, delay, failure) => this.#onRetry(failure, attempt, delay),
      });
      this.#onStored(partNumber, answer, blob.size);
    } catch (error) {
      throw this.stopped ? new Stopped() : error;
    }
  }

  #put(partNumber, blob, headers) {
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
      xhr.open('PUT', this.#api.partUrl(this.#uploadId, partNumber));
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.setRequestHeader('Accept', 'application/json');
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => {
        lastActivity = Date.now();
        if (this.#requests.has(xhr)) this.#loaded.set(partNumber, event.loaded);
      };
      xhr.onload = () =>
        settle(() => {
          if (xhr.status >= 200 && xhr.status < 300) {
            try {
              resolve(JSON.parse(xhr.responseText));
            } catch {
              reject(new PartFailure(partNumber, 502, { title: 'The server answered something other than JSON.' }));
            }
          } else {
            reject(new PartFailure(partNumber, xhr.status, problemOf(xhr), xhr.getResponseHeader('retry-after')));
          }
        });
      xhr.onerror = () => settle(() => reject(new PartFailure(partNumber, 0)));
      xhr.onabort = () => settle(() => reject(this.#lost.has(xhr) && !this.stopped ? new PartFailure(partNumber, 0) : new Stopped()));
      this.#requests.add(xhr);
      xhr.send(blob);
    });
  }
}
