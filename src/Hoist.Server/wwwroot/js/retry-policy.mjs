// When a failed part request is sent again. The uploader asks the policy after every failure; a
// policy with backoff (exponential, jitter, Retry-After) replaces this one without touching it.

/** True for failures that another try can fix: no answer at all, 408, 429 and 5xx. */
export function isTransient(xhr) {
  const { status } = xhr;
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/** Re-sends a part at once, up to `limit` times, on transient failures only. */
export function immediateRetry(limit = 3) {
  return {
    /**
     * @param {number} attempt the number of the try about to be made (1 = the first retry)
     * @param {XMLHttpRequest} xhr the request that failed
     * @returns {number | null} milliseconds to wait, or null to give up
     */
    delayBeforeRetry(attempt, xhr) {
      return attempt <= limit && isTransient(xhr) ? 0 : null;
    },
  };
}
