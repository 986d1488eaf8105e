// When a failed request is sent again: exponential backoff with full jitter, Retry-After honoured.
// Every request the page makes to the upload API (parts, listings, create, complete) goes through
// one policy, so the delays and the number of tries are set here and nowhere else.

import { codes } from './wire.mjs';

/** The page's settings: tries per request (the first included) and the delays between them. */
export const retrySettings = Object.freeze({
  attempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  // A Retry-After longer than this is not waited for: the file fails and its Retry button remains.
  maxRetryAfterMs: 120_000,
});

/** True for failures that another try can fix: no answer at all, 408, 429 and 5xx (S3's SlowDown is a 503). */
export function isTransient(status) {
  return status === 0 || status === 408 || status === 429 || (status >= 500 && !FINAL_5XX.has(status));
}

/** 5xx that no retry can mend: not implemented, wrong HTTP version, a full store (507), loops, policy. */
const FINAL_5XX = new Set([501, 505, 507, 508, 510, 511]);

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), or null. */
export function retryAfterMs(value, now = Date.now()) {
  const text = value?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * @param {Partial<typeof retrySettings> & {random?: () => number}} [settings]
 */
export function backoff(settings = {}) {
  const { attempts, baseDelayMs, maxDelayMs, maxRetryAfterMs } = { ...retrySettings, ...settings };
  const random = settings.random ?? Math.random;
  return {
    attempts,
    /**
     * @param {number} attempt the try that just failed (1 = the first)
     * @param {{status: number, code?: string | null, retryAfter?: string | null}} failure
     * @returns {number | null} milliseconds to wait before the next try, or null to give up
     */
    delayBeforeRetry(attempt, { status, code, retryAfter }) {
      // Too many open uploads is a limit of the account, not a moment: waiting does not lift it.
      if (attempt >= attempts || !isTransient(status) || code === codes.tooManyUploads) return null;
      // Full jitter: parts that failed together do not come back together.
      const jitter = random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const asked = retryAfterMs(retryAfter);
      if (asked === null) return jitter;
      if (asked > maxRetryAfterMs) return null;
      return asked + random() * baseDelayMs;
    },
  };
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/**
 * Runs `task` until it succeeds, the policy gives up, or the signal aborts. A failure is retried
 * only when it carries an HTTP status (ApiError, PartFailure) the policy calls transient.
 * @template T
 * @param {() => Promise<T>} task
 * @param {ReturnType<typeof backoff>} policy
 * @param {{signal?: AbortSignal, onRetry?: (attempt: number, delayMs: number, error: Error) => void}} [options]
 * @returns {Promise<T>}
 */
export async function withRetries(task, policy, { signal, onRetry } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (signal?.aborted || typeof error?.status !== 'number') throw error;
      error.attempts = attempt;
      const delay = policy.delayBeforeRetry(attempt, error);
      if (delay === null) throw error;
      onRetry?.(attempt, delay, error);
      await sleep(delay, signal);
    }
  }
}
