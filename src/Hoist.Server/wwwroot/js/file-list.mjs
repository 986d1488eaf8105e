// The caller's stored files (GET /api/files), newest first, each a download link.
// The server names the keys; the page shows the last segment as the name and the key below it.

import { filePath } from './api.mjs';
import { formatBytes, formatDate } from './format.mjs';

const pageSize = 25;

export class FileList {
  #api;
  #list;
  #template;
  #empty;
  #status;
  #more;
  /** Every entry loaded so far, newest first. */
  #entries = [];
  #shown = pageSize;
  #next = null;
  #loading = null;
  #again = false;
  #timer = null;

  constructor(api, { list, template, empty, status, refreshButton, moreButton }) {
    this.#api = api;
    this.#list = list;
    this.#template = template;
    this.#empty = empty;
    this.#status = status;
    this.#more = moreButton;
    refreshButton.addEventListener('click', () => this.refresh());
    moreButton.addEventListener('click', () => this.#showMore());
  }

  /** Refreshes soon, once for a burst of completions. */
  scheduleRefresh(delayMs = 300) {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.refresh(), delayMs);
  }

  /** Reloads the list; a call while one runs reloads once more afterwards. */
  async refresh() {
    if (this.#loading) {
      this.#again = true;
      return this.#loading;
    }
    this.#loading = this.#load({ append: false });
    try {
      await this.#loading;
    } finally {
      this.#loading = null;
    }
    if (this.#again) {
      this.#again = false;
      await this.refresh();
    }
  }

  async #showMore() {
    this.#shown += pageSize;
    if (this.#shown > this.#entries.length && this.#next !== null && !this.#loading) {
      this.#loading = this.#load({ append: true });
      try {
        await this.#loading;
      } finally {
        this.#loading = null;
      }
    }
    this.#render();
  }

  async #load({ append }) {
    this.#list.setAttribute('aria-busy', 'true');
    try {
      const page = await this.#api.listFiles({ continuationToken: append ? this.#next : undefined });
      const files = page?.files ?? [];
      this.#entries = (append ? [...this.#entries, ...files] : files).sort((a, b) => Date.parse(b.lastModified) - Date.parse(a.lastModified));
      this.#next = page?.nextContinuationToken ?? null;
      this.#status.textContent = '';
    } catch (error) {
      this.#status.textContent = `The list of files could not be loaded: ${error.message}`;
    } finally {
      this.#list.removeAttribute('aria-busy');
      this.#render();
    }
  }

  #render() {
    this.#list.replaceChildren(...this.#entries.slice(0, this.#shown).map((file) => this.#row(file)));
    this.#empty.hidden = this.#entries.length > 0 || this.#status.textContent !== '';
    this.#more.hidden = this.#shown >= this.#entries.length && this.#next === null;
  }

  #row(file) {
    const item = this.#template.content.firstElementChild.cloneNode(true);
    const link = item.querySelector('.stored-link');
    const name = file.key.slice(file.key.lastIndexOf('/') + 1) || file.key;
    link.href = filePath(file.key);
    link.textContent = name;
    link.setAttribute('download', name);
    item.querySelector('.stored-meta').textContent = [formatBytes(file.size), formatDate(file.lastModified)].filter(Boolean).join(' · ');
    // Long keys wrap after a slash rather than mid-word.
    const segments = file.key.split('/');
    item.querySelector('.stored-key').append(...segments.flatMap((segment, i) => (i < segments.length - 1 ? [`${segment}/`, document.createElement('wbr')] : [segment])));
    return item;
  }
}
