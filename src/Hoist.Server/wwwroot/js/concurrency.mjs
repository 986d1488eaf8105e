// At most `max` tasks at once, the others waiting their turn in order. The page's one limiter:
// files being created, parts being hashed, parts in flight.

/** @returns {<T>(task: () => Promise<T>) => Promise<T>} runs a task when a place is free */
export function concurrencyLimit(max) {
  let active = 0;
  const waiting = [];
  const next = () => {
    if (active < max && waiting.length) {
      active++;
      waiting.shift()();
    }
  };
  return async (task) => {
    await new Promise((resolve) => {
      waiting.push(resolve);
      next();
    });
    try {
      return await task();
    } finally {
      active--;
      next();
    }
  };
}
