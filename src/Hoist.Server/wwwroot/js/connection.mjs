// Waiting for the server to be reachable again. A wait between two tries of a request ends at its
// time, or sooner when the browser says it is online again (`online`) or when a probe of /healthz
// answers: a network that comes back is used at once, not after the longest backoff.

import { routes } from './wire.mjs';

export class Connection {
  #probeUrl;
  #probeEveryMs;

  /**
   * @param {{probeUrl?: string, probeEveryMs?: number}} [options]
   */
  constructor({ probeUrl = new URL(routes.healthz, document.baseURI).href, probeEveryMs = 2000 } = {}) {
    this.#probeUrl = probeUrl;
    this.#probeEveryMs = probeEveryMs;
  }

  /** False while the browser knows it has no network. */
  get online() {
    return globalThis.navigator?.onLine !== false;
  }

  /**
   * Resolves after `ms`, or as soon as the connection is back; rejects with the signal's reason.
   * @param {number} ms
   * @param {AbortSignal} [signal]
   */
  waitForReturn(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timers = [];
      const end = (action) => {
        for (const timer of timers) clearTimeout(timer);
        globalThis.removeEventListener?.('online', back);
        signal?.removeEventListener('abort', stop);
        action();
      };
      const back = () => end(resolve);
      const stop = () => end(() => reject(signal.reason));
      const probe = async () => {
        if (this.online && (await this.#answers(signal))) back();
        else timers.push(setTimeout(probe, this.#probeEveryMs));
      };
      timers.push(setTimeout(back, ms));
      timers.push(setTimeout(probe, Math.min(ms, this.#probeEveryMs)));
      globalThis.addEventListener?.('online', back, { once: true });
      signal?.addEventListener('abort', stop, { once: true });
    });
  }

  async #answers(signal) {
    try {
      const response = await fetch(this.#probeUrl, { cache: 'no-store', signal });
      return response.ok;
    } catch {
      return false;
    }
  }
}
