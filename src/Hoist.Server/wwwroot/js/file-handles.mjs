// Files chosen through the File System Access API (showOpenFilePicker: Chromium, on https and
// localhost) keep their handle in IndexedDB, by the file's fingerprint, so that an unfinished
// upload resumes after a reload with one click instead of the file being chosen again.
// Elsewhere (no picker, no IndexedDB) nothing is kept and a dropped file is matched by fingerprint.

const databaseName = 'hoist';
const storeName = 'file-handles';

export const filePickerAvailable = typeof globalThis.showOpenFilePicker === 'function';

function request(action) {
  return new Promise((resolve, reject) => {
    action.onsuccess = () => resolve(action.result);
    action.onerror = () => reject(action.error);
  });
}

export class FileHandles {
  #database = null;

  get available() {
    return filePickerAvailable && Boolean(globalThis.indexedDB);
  }

  async #store(mode) {
    this.#database ??= (async () => {
      const open = indexedDB.open(databaseName, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(storeName);
      return request(open);
    })();
    return (await this.#database).transaction(storeName, mode).objectStore(storeName);
  }

  /** The handle kept for a fingerprint, or null. */
  async get(fingerprint) {
    if (!this.available) return null;
    try {
      return (await request((await this.#store('readonly')).get(fingerprint))) ?? null;
    } catch {
      return null;
    }
  }

  async put(fingerprint, handle) {
    if (!this.available) return;
    try {
      await request((await this.#store('readwrite')).put(handle, fingerprint));
    } catch {
      // Not kept: the file can still be dropped again.
    }
  }

  async delete(fingerprint) {
    if (!this.available) return;
    try {
      await request((await this.#store('readwrite')).delete(fingerprint));
    } catch {
      // Nothing to delete.
    }
  }

  /** The file behind a handle, after asking for permission to read it again (needs a click). */
  static async fileOf(handle) {
    if ((await handle.queryPermission?.({ mode: 'read' })) !== 'granted' && (await handle.requestPermission?.({ mode: 'read' })) !== 'granted') return null;
    return handle.getFile();
  }
}
