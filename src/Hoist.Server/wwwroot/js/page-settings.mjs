// The page's settings, from the address (`?retryBudgetSeconds=30&autoStart=false`) or from data
// attributes on <html> (`data-retry-budget-seconds="30"`), for an operator's copy of index.html
// and for tests. Unknown or malformed values keep the defaults.

import { retrySettings } from './retry-policy.mjs';

const query = new URLSearchParams(globalThis.location?.search ?? '');
const data = globalThis.document?.documentElement?.dataset ?? {};

function setting(name) {
  return query.get(name) ?? data[name] ?? null;
}

function number(name, fallback) {
  const value = Number(setting(name));
  return setting(name) !== null && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function flag(name, fallback) {
  const value = setting(name);
  return value === null ? fallback : value !== 'false' && value !== '0';
}

export const pageSettings = Object.freeze({
  /** How long a request that found no server keeps being tried before its file fails with Retry. */
  retryBudgetMs: number('retryBudgetSeconds', retrySettings.budgetMs / 1000) * 1000,
  /** Files start as soon as they are added; off, they wait for "Upload n files". */
  autoStart: flag('autoStart', true),
});
