// Direct mode (docs/api.md, "Direct mode"): when the server offers it, the parts go from the browser
// straight to the store on presigned URLs, and only the small calls (create, part URLs, complete) go
// through Hoist. The store checks each part against its Content-MD5, which is signed into the URL.
//
// - PartUrls asks Hoist for part URLs on demand, in batches: the parts that want a URL at the same
//   moment share one request; a URL is kept until shortly before it expires, or until the store
//   refuses it (403: expired), then asked again;
// - a PUT to the store that fails without an answer is how the browser reports a bucket whose CORS
//   rule does not allow this page: that upload goes on through Hoist, and so do the later ones of
//   this session (directFailures).

import { toBase64 } from './checksum.mjs';

/** Parts asked for in one request at most (the API takes 1 to 100). */
const batchLimit = 100;

/** A URL this close to its expiry is not used any more: a part may take a while to send. */
const expiryMarginMs = 60_000;

/** A part PUT to the store got no answer while the browser is online: a CORS refusal, or a store it cannot reach. */
export class DirectRefused extends Error {
  constructor(partNumber) {
    super(`Part ${partNumber} could not be sent to the store directly.`);
    this.name = 'DirectRefused';
    this.partNumber = partNumber;
  }
}

/**
 * Remembers for the browser tab's session (sessionStorage, else this page) that sending to the store
 * directly failed, so that later files go through Hoist at once.
 */
class DirectFailures {
  #key = 'hoist.direct.failed';
  #failed = false;

  get failed() {
    try {
      return this.#failed || globalThis.sessionStorage?.getItem(this.#key) === '1';
    } catch {
      return this.#failed;
    }
  }

  remember() {
    this.#failed = true;
    try {
      globalThis.sessionStorage?.setItem(this.#key, '1');
    } catch {
      // kept for this page only
    }
  }
}

export const directFailures = new DirectFailures();

/** The code and message of an S3 error answer (XML), or {} when it has none. */
export function storeProblemOf(xhr) {
  const text = xhr.responseType === '' || xhr.responseType === 'text' ? xhr.responseText : '';
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  if (!code) return {};
  return { code, title: `The store refused the part (${code}${message ? `: ${message}` : ''}).` };
}

/** The part URLs of one upload. */
export class PartUrls {
  #api;
  #uploadId;
  #signal;
  /** partNumber → {url, headers, contentMd5, expiresAtMs} */
  #known = new Map();
  /** Parts waiting for the next request: {partNumber, contentMd5, resolve, reject}. */
  #waiting = [];
  #scheduled = false;

  /**
   * @param {import('./api.mjs').HoistApi} api
   * @param {string} uploadId
   * @param {AbortSignal} signal the run's: a pause or a cancel aborts the requests in flight
   */
  constructor(api, uploadId, signal) {
    this.#api = api;
    this.#uploadId = uploadId;
    this.#signal = signal;
  }

  /**
   * Where to PUT a part, and with which headers: {url, headers}.
   * @param {number} partNumber
   * @param {Uint8Array} md5 the part's MD5
   */
  urlOf(partNumber, md5) {
    const contentMd5 = toBase64(md5);
    const known = this.#known.get(partNumber);
    if (known && known.contentMd5 === contentMd5 && known.expiresAtMs - expiryMarginMs > Date.now()) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ partNumber, contentMd5, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // The parts that want a URL in this turn of the event loop go in one request.
      setTimeout(() => {
        this.#scheduled = false;
        this.#ask();
      }, 0);
    });
  }

  /** The store refused the part's URL (expired): the next urlOf asks a new one. */
  forget(partNumber) {
    this.#known.delete(partNumber);
  }

  async #ask() {
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, batchLimit);
      try {
        const answer = await this.#api.partUrls(
          this.#uploadId,
          batch.map(({ partNumber, contentMd5 }) => ({ partNumber, contentMd5 })),
          { signal: this.#signal },
        );
        const expiresAtMs = Date.parse(answer.expiresAt);
        for (const part of answer.parts) {
          const contentMd5 = batch.find((wanted) => wanted.partNumber === part.partNumber)?.contentMd5;
          this.#known.set(part.partNumber, { url: part.url, headers: part.headers ?? {}, contentMd5, expiresAtMs: Number.isNaN(expiresAtMs) ? Infinity : expiresAtMs });
        }
        for (const wanted of batch) {
          const known = this.#known.get(wanted.partNumber);
          if (known && known.contentMd5 === wanted.contentMd5) wanted.resolve(known);
          else wanted.reject(new Error(`The server gave no URL for part ${wanted.partNumber}.`));
        }
      } catch (error) {
        for (const wanted of batch) wanted.reject(error);
      }
    }
  }
}
