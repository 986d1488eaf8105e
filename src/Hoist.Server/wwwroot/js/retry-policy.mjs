// When a failed request is sent again: exponential backoff with full jitter, capped, Retry-After
// honoured, for a budget of time rather than a number of tries, so that a network gone for minutes
// (a train, a server restart) does not fail the uploads. Every request the page makes to the
// upload API (parts, listings, create, complete) goes through one policy.

import { codes } from './wire.mjs';

/** The page's settings: how long a request keeps being tried, and the delays between tries. */
export const retrySettings = Object.freeze({
  // From the first failure of a request; the page's retryBudgetSeconds setting changes it.
  budgetMs: 10 * 60_000,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  // A Retry-After longer than this is not waited for: the file fails and its Retry button remains.
  maxRetryAfterMs: 120_000,
});

/** True for failures that another try can fix: no answer at all, 408, 429 and 5xx (S3's SlowDown is a 503). */
export function isTransient(status) {
  return status === 0 || status === 408 || status === 429 || (status >= 500 && !FINAL_5XX.has(status));
}

/** True when the server was not reached at all (no answer, or a gateway's): worth waking up for the network's return. */
export function isUnreachable(status) {
  return status === 0 || status === 502 || status === 504;
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
 * @param {Partial<typeof retrySettings> & {random?: () => number, connection?: import('./connection.mjs').Connection}} [settings]
 */
export function backoff(settings = {}) {
  const { budgetMs, baseDelayMs, maxDelayMs, maxRetryAfterMs } = { ...retrySettings, ...settings };
  const random = settings.random ?? Math.random;
  const { connection } = settings;
  return {
    budgetMs,
    /**
     * @param {number} attempt the try that just failed (1 = the first)
     * @param {{status: number, code?: string | null, retryAfter?: string | null}} failure
     * @param {number} elapsedMs since the first try failed
     * @returns {number | null} milliseconds to wait before the next try, or null to give up
     */
    delayBeforeRetry(attempt, { status, code, retryAfter }, elapsedMs = 0) {
      // Too many open uploads is a limit of the account, not a moment: waiting does not lift it.
      if (!isTransient(status) || code === codes.tooManyUploads) return null;
      const left = budgetMs - elapsedMs;
      if (left <= 0) return null;
      // Full jitter: parts that failed together do not come back together.
      const jitter = random() * Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt - 1, 30));
      const asked = retryAfterMs(retryAfter);
      if (asked === null) return Math.min(jitter, left);
      if (asked > maxRetryAfterMs || asked > left) return null;
      return asked + random() * baseDelayMs;
    },
    /** Waits `ms` before the next try; a request that found no server at all goes again as soon as the network is back. */
    wait(ms, failure, signal) {
      return connection && isUnreachable(failure.status) ? connection.waitForReturn(ms, signal) : sleep(ms, signal);
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
  let firstFailure = null;
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (signal?.aborted || typeof error?.status !== 'number') throw error;
      firstFailure ??= Date.now();
      error.attempts = attempt;
      const delay = policy.delayBeforeRetry(attempt, error, Date.now() - firstFailure);
      if (delay === null) throw error;
      onRetry?.(attempt, delay, error);
      await policy.wait(delay, error, signal);
    }
  }
}
