// What a finished row offers: a link to the stored file (GET /api/files/{key}), a "verified" mark
// when the whole-object checksum matched the file's, "Copy link" (a share link that needs no
// credentials: POST /api/files/{key}/links) and Delete after a confirmation (DELETE /api/files/{key}).

import { filePath } from './api.mjs';
import { formatDate } from './format.mjs';

/** How long a copied share link works: a day. */
const linkLifetimeSeconds = 24 * 60 * 60;

export class FinishedFile {
  #api;
  #onDeleted;

  /**
   * @param {import('./api.mjs').HoistApi} api
   * @param {{onDeleted?: (file: File) => void}} [options]
   */
  constructor(api, { onDeleted = () => {} } = {}) {
    this.#api = api;
    this.#onDeleted = onDeleted;
  }

  /** Shows or hides the row's finished line. */
  render(row, file, status, name) {
    const transfer = file.hoist;
    const finished = status === 'complete' && Boolean(transfer?.result?.key);
    row.finished.hidden = !finished;
    if (!finished) {
      row.share.hidden = true;
      return;
    }
    const { key } = transfer.result;
    if (row.link.getAttribute('href') !== filePath(key)) {
      row.link.href = filePath(key);
      row.link.textContent = 'Download';
      row.link.setAttribute('download', name.slice(name.lastIndexOf('/') + 1));
      row.link.setAttribute('aria-label', `Download ${name}`);
      row.copy.setAttribute('aria-label', `Copy link to ${name}`);
      row.keep.setAttribute('aria-label', `Keep ${name}`);
      this.#askingToDelete(row, name, false);
    }
    row.verified.hidden = !transfer.verified;
  }

  /** Handles a click on one of the finished line's buttons; true when it was one. */
  async click(button, row, file, name) {
    const { key } = file.hoist.result;
    if (button === row.copy) {
      await this.#copyLink(row, key, name);
    } else if (button === row.remove) {
      if (row.remove.dataset.confirm !== 'true') {
        this.#askingToDelete(row, name, true);
        return true;
      }
      row.remove.disabled = true;
      try {
        await this.#api.deleteFile(key);
      } catch (error) {
        row.remove.disabled = false;
        row.message.textContent = `Not deleted: ${error.message}`;
        return true;
      }
      file.hoist.deleted = true;
      this.#onDeleted(file);
    } else if (button === row.keep) {
      this.#askingToDelete(row, name, false);
    } else {
      return false;
    }
    return true;
  }

  #askingToDelete(row, name, asking) {
    row.remove.dataset.confirm = String(asking);
    row.remove.textContent = asking ? 'Confirm delete' : 'Delete';
    row.remove.setAttribute('aria-label', asking ? `Confirm delete of ${name}` : `Delete ${name}`);
    row.keep.hidden = !asking;
    if (asking) row.remove.focus();
  }

  async #copyLink(row, key, name) {
    row.copy.disabled = true;
    try {
      const { url, expiresAt } = await this.#api.createLink(key, linkLifetimeSeconds);
      row.share.value = url;
      row.share.hidden = false;
      row.share.setAttribute('aria-label', `Share link of ${name}`);
      let copied = false;
      try {
        await navigator.clipboard.writeText(url);
        copied = true;
      } catch {
        row.share.select(); // no clipboard here: the link is selected for the person to copy
      }
      row.message.textContent = `${copied ? 'Link copied' : 'Link made'}; it works without signing in until ${formatDate(expiresAt)}.`;
    } catch (error) {
      row.message.textContent = `No link: ${error.message}`;
    } finally {
      row.copy.disabled = false;
    }
  }
}
