// Transfer speed over a sliding window, so one fast or stalled moment does not swing the estimate.

export class RateMeter {
  #samples = [];
  #windowMs;

  constructor(windowMs = 5000) {
    this.#windowMs = windowMs;
  }

  /** Records that `bytes` (a running total) were reached at time `now` (ms). */
  add(bytes, now = performance.now()) {
    this.#samples.push({ bytes, now });
    while (this.#samples.length > 2 && now - this.#samples[0].now > this.#windowMs) this.#samples.shift();
  }

  /** Bytes per second, or null until there is a second of history, and while nothing moves. */
  get rate() {
    if (this.#samples.length < 2) return null;
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    const elapsed = (last.now - first.now) / 1000;
    return elapsed >= 1 && last.bytes > first.bytes ? (last.bytes - first.bytes) / elapsed : null;
  }

  /** Seconds until `remaining` more bytes are sent at the current rate, or null when unknown. */
  secondsFor(remaining) {
    const { rate } = this;
    return rate && rate > 0 ? remaining / rate : null;
  }

  reset() {
    this.#samples = [];
  }
}
