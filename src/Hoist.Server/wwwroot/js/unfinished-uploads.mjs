// The unfinished uploads this browser remembers (RememberedUploads), listed when the page loads:
// each with its name, size, what the server holds of it (GET …/parts) and when it began; it
// resumes when the same file is dropped or chosen again (or with one click where its file handle
// was kept), and Discard aborts it on the server (DELETE /api/uploads/{id}) and forgets it.

import { ApiError } from './api.mjs';
import { FileHandles } from './file-handles.mjs';
import { formatBytes, formatDate } from './format.mjs';

export class UnfinishedUploads {
  #api;
  #memory;
  #handles;
  #uploader;
  #section;
  #list;
  #template;
  /** uploadId → bytes stored, as the server answered (null while asked, 'gone' when it is not there). */
  #stored = new Map();

  /**
   * @param {object} options
   * @param {import('./api.mjs').HoistApi} options.api
   * @param {import('./remembered-uploads.mjs').RememberedUploads} options.memory
   * @param {FileHandles} options.handles
   * @param {import('./hoist-dropzone.mjs').HoistDropzone} options.uploader
   * @param {{section: HTMLElement, list: HTMLElement, template: HTMLTemplateElement}} elements
   */
  constructor({ api, memory, handles, uploader }, { section, list, template }) {
    this.#api = api;
    this.#memory = memory;
    this.#handles = handles;
    this.#uploader = uploader;
    this.#section = section;
    this.#list = list;
    this.#template = template;
    memory.addEventListener('change', () => this.render());
    for (const event of ['addedfile', 'removedfile', 'complete', 'hoist:phase']) uploader.on(event, () => this.render());
    list.addEventListener('click', (event) => this.#click(event));
    this.render();
  }

  /** The remembered uploads that no file in this page is sending. */
  #entries() {
    const taken = new Set(this.#uploader.files.map((file) => file.hoist?.fingerprint).filter(Boolean));
    return this.#memory.list().filter((entry) => !taken.has(entry.fingerprint));
  }

  render() {
    const entries = this.#entries();
    this.#section.hidden = entries.length === 0;
    const rows = entries.map((entry) => this.#row(entry));
    this.#list.replaceChildren(...rows);
  }

  #row(entry) {
    const item = this.#template.content.firstElementChild.cloneNode(true);
    const find = (selector) => item.querySelector(selector);
    const name = entry.name ?? 'A file';
    item.dataset.fingerprint = entry.fingerprint;
    find('.file-name').textContent = name;
    find('.file-name').title = name;
    find('.unfinished-size').textContent = entry.size === undefined ? '' : formatBytes(entry.size);
    find('.unfinished-when').textContent = entry.savedAt ? `begun ${formatDate(entry.savedAt)}` : '';
    const stored = find('.unfinished-stored');
    const known = this.#stored.get(entry.uploadId);
    if (known === undefined) this.#askStored(entry);
    stored.textContent = known === 'gone' ? 'No longer on the server' : typeof known === 'number' ? `${formatBytes(known)}${entry.size === undefined ? '' : ` of ${formatBytes(entry.size)}`} stored` : 'Asking the server…';
    find('.unfinished-discard').setAttribute('aria-label', `Discard upload of ${name}`);
    const resume = find('.unfinished-resume');
    resume.setAttribute('aria-label', `Resume upload of ${name}`);
    this.#handles.get(entry.fingerprint).then((handle) => {
      resume.hidden = !handle;
    });
    return item;
  }

  async #askStored(entry) {
    this.#stored.set(entry.uploadId, null);
    try {
      const listing = await this.#api.listParts(entry.uploadId);
      this.#stored.set(entry.uploadId, listing.parts.reduce((sum, part) => sum + part.size, 0));
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 410)) this.#stored.set(entry.uploadId, 'gone');
      else this.#stored.delete(entry.uploadId);
    }
    this.render();
  }

  async #click(event) {
    const button = event.target.closest('button');
    const fingerprint = button?.closest('[data-fingerprint]')?.dataset.fingerprint;
    const entry = fingerprint && this.#memory.list().find((e) => e.fingerprint === fingerprint);
    if (!entry) return;
    if (button.classList.contains('unfinished-discard')) {
      button.disabled = true;
      try {
        await this.#api.abortUpload(entry.uploadId);
      } catch (error) {
        button.disabled = false;
        button.closest('li').querySelector('.unfinished-stored').textContent = `Could not discard: ${error.message}`;
        return;
      }
      this.#memory.forget(fingerprint);
      await this.#handles.delete(fingerprint);
    } else if (button.classList.contains('unfinished-resume')) {
      const handle = await this.#handles.get(fingerprint);
      const file = handle && (await FileHandles.fileOf(handle));
      if (file) this.#uploader.addFile(Object.assign(file, { handle }));
    }
  }
}
