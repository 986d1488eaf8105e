// Dropzone speaking Hoist's multipart protocol (DESIGN.md, "The flow").
//
// Per file: Dropzone's `accept` step creates the upload (POST /api/uploads) and only then lets the
// file into the queue, so a file has its uploadId and part size before any part starts. Dropzone
// then cuts the file into parts of the server's size and PUTs them, several at once, to
// /api/uploads/{uploadId}/parts/{n}; every part carries its SHA-256, computed just before it is sent.
// When every part is stored the upload is completed and checked against what was sent.
//
// Dropzone 6.3.5 (pinned in package.json) has no hook for an async per-part step, no per-file
// chunk size and no retry policy, so three of its methods are wrapped here: processFile,
// submitRequest and _handleUploadError. submitRequest is the one place where a part is about to
// go out: later work gates it (pause), skips it (parts the server already holds) or delays it
// (backoff) there, and the retry policy decides about re-sending a failed part.

import { Dropzone } from '../lib/dropzone/dropzone.mjs';
import { describeProblem, problemOf } from './api.mjs';
import { checksumsAvailable, compositeSha256, sha256, toBase64 } from './checksum.mjs';
import { immediateRetry } from './retry-policy.mjs';

export const checksumHeader = 'x-hoist-checksum-sha256';

const { ADDED, QUEUED, UPLOADING, SUCCESS, CANCELED, ERROR } = Dropzone;

/** The page's status of a file: the values of a row's data-status. */
export function statusOf(file) {
  switch (file.status) {
    case SUCCESS: return 'complete';
    case ERROR: return 'failed';
    case CANCELED: return 'canceled';
    case UPLOADING: return 'uploading';
    default: return 'queued';
  }
}

/** A file's upload, as the page tracks it (on `file.hoist`). */
class UploadState {
  /** 'creating' | 'waiting' | 'sending' | 'completing' | 'done' */
  phase = 'creating';
  uploadId = null;
  key = null;
  partSize = 0;
  partCount = 0;
  expiresAt = null;
  /** SHA-256 of each part sent, by part index. */
  partDigests = [];
  /** Bytes sent so far; never goes backwards, even when a part is sent again. */
  sent = 0;
  /** Why the upload failed, in words for people. */
  error = null;
  /** The answer of complete: {key, size, etag, checksumSha256?}. */
  result = null;
}

function concurrencyLimit(max) {
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

export class HoistDropzone extends Dropzone {
  #api;
  #retryPolicy;
  #checksums;
  #limitCreates;
  #limitDigests;

  /**
   * @param {HTMLElement} element the drop zone
   * @param {object} settings
   * @param {import('./api.mjs').HoistApi} settings.api
   * @param {number} [settings.parallelUploads] files sent at once
   * @param {number} [settings.parallelParts] parts of one file in flight at once
   * @param {{delayBeforeRetry(attempt: number, xhr: XMLHttpRequest): number | null}} [settings.retryPolicy]
   * @param {boolean} [settings.checksums] send a SHA-256 with every part (needs WebCrypto)
   */
  constructor(element, { api, parallelUploads = 3, parallelParts = 4, retryPolicy = immediateRetry(3), checksums = checksumsAvailable, clickable = true }) {
    super(element, {
      url: 'api/uploads', // replaced below by the per-part URL; Dropzone insists on one now
      method: 'PUT',
      chunking: true,
      forceChunking: true, // every file, even 0 bytes, goes through the same "PUT part 1" path
      binaryBody: true,
      parallelUploads,
      parallelChunkUploads: parallelParts,
      autoProcessQueue: false, // a file waits for its uploadId (see #create)
      maxFilesize: null, // the server decides (413 file_too_large)
      createImageThumbnails: false,
      previewsContainer: false, // the page renders its own rows
      clickable,
      headers: { 'Content-Type': 'application/octet-stream' },
      canceled() {}, // by default Dropzone reports a cancel as an error
    });
    this.#api = api;
    this.#retryPolicy = retryPolicy;
    this.#checksums = checksums;
    this.#limitCreates = concurrencyLimit(4);
    this.#limitDigests = concurrencyLimit(2);

    this.options.url = (files, dataBlocks) => api.partUrl(files[0].hoist.uploadId, dataBlocks[0].chunkIndex + 1);
    this.options.accept = (file, done) => this.#create(file, done);
    this.options.chunksUploaded = (file, done) => this.#complete(file, done);
    // With autoProcessQueue off Dropzone does not start the next file by itself.
    this.on('complete', () => queueMicrotask(() => this.processQueue()));
  }

  /** {sent, total} bytes of a file. */
  progressOf(file) {
    const state = file.hoist;
    if (!state) return { sent: 0, total: file.size };
    if (file.status === SUCCESS) {
      state.sent = file.size;
    } else {
      state.sent = Math.max(state.sent, this.#bytesSent(file));
    }
    return { sent: state.sent, total: file.size };
  }

  /** True while the file can still be canceled (not while its completion is in flight). */
  isCancelable(file) {
    return [ADDED, QUEUED, UPLOADING].includes(file.status) && file.hoist?.phase !== 'completing';
  }

  /** Stops a file's upload here and aborts it on the server (DELETE /api/uploads/{uploadId}). */
  cancel(file) {
    if (!this.isCancelable(file)) return false;
    this.cancelUpload(file);
    // Still being created: #create aborts it as soon as its uploadId is known.
    if (file.hoist?.uploadId) this.#abortOnServer(file);
    return true;
  }

  /** Drops a finished file from the list; a failed one is also aborted on the server. */
  forget(file) {
    if (file.status === ERROR && file.hoist?.uploadId) this.#abortOnServer(file);
    this.removeFile(file);
  }

  processFile(file) {
    // chunkSize is one option for all files; Dropzone reads it when a file starts, so setting it
    // here gives each file the part size the server planned for it.
    this.options.chunkSize = file.hoist.partSize;
    file.hoist.phase = 'sending';
    super.processFile(file);
    if (file.status === UPLOADING && file.upload.totalChunkCount !== file.hoist.partCount) {
      this.#fail(file, `The page cut the file into ${file.upload.totalChunkCount} parts, the server planned ${file.hoist.partCount}.`);
    }
  }

  submitRequest(xhr, formData, files, dataBlocks) {
    const [file] = files;
    const chunk = this._getChunk(file, xhr);
    this.#partHeaders(file, chunk).then(
      (headers) => {
        // Canceled, failed or replaced by a retry while the checksum was computed.
        if (file.status !== UPLOADING || chunk.xhr !== xhr || xhr.readyState !== XMLHttpRequest.OPENED) return;
        for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
        super.submitRequest(xhr, formData, files, dataBlocks);
      },
      (error) => this.#fail(file, `Part ${chunk.index + 1} could not be read from the disk (${error.message}). Was the file changed or removed?`),
    );
  }

  _handleUploadError(files, xhr, response) {
    const [file] = files;
    if (file.status !== UPLOADING) return;
    const chunk = this._getChunk(file, xhr);
    if (chunk) {
      const delay = this.#retryPolicy.delayBeforeRetry(chunk.retries + 1, xhr);
      if (delay !== null) {
        chunk.retries++;
        this.emit('hoist:retry', file, chunk.index + 1, chunk.retries);
        setTimeout(() => {
          if (file.status === UPLOADING && chunk.status === UPLOADING) this._uploadData(files, [chunk.dataBlock]);
        }, delay);
        return;
      }
    }
    const reason = xhr.status === 0 && typeof response === 'string' ? response : describeProblem(xhr.status, problemOf(xhr));
    const parts = file.upload.totalChunkCount;
    this.#fail(file, chunk && parts > 1 ? `Part ${chunk.index + 1} of ${parts}: ${reason}` : reason);
  }

  async #create(file, done) {
    const state = (file.hoist = new UploadState());
    let created;
    try {
      created = await this.#limitCreates(() => {
        if (file.status === CANCELED) return null;
        return this.#api.createUpload({
          fileName: file.name,
          size: file.size,
          contentType: file.type || undefined,
          checksumAlgorithm: this.#checksums ? 'sha256' : undefined,
        });
      });
    } catch (error) {
      if (file.status === CANCELED) return;
      state.error = error.message;
      done(error.message);
      return;
    }
    if (!created) return;
    Object.assign(state, {
      uploadId: created.uploadId,
      key: created.key,
      partSize: created.partSize,
      partCount: created.partCount,
      expiresAt: created.expiresAt,
    });
    if (file.status === CANCELED) {
      this.#abortOnServer(file);
      return;
    }
    state.phase = 'waiting';
    done(); // accepted: Dropzone queues the file
    this.emit('hoist:phase', file);
    this.processQueue();
  }

  async #partHeaders(file, chunk) {
    if (!this.#checksums) return {};
    const digests = file.hoist.partDigests;
    // WebCrypto hashes a whole buffer, so a part is read into memory to be hashed; doing one or
    // two at a time keeps memory at a part or two, however many are in flight and however large.
    digests[chunk.index] ??= await this.#limitDigests(() => (file.status === UPLOADING ? sha256(chunk.dataBlock.data) : null));
    return digests[chunk.index] ? { [checksumHeader]: toBase64(digests[chunk.index]) } : {};
  }

  async #complete(file, done) {
    const state = file.hoist;
    state.phase = 'completing';
    this.emit('hoist:phase', file);
    try {
      const result = this.#completedByPart(file) ?? (await this.#api.completeUpload(state.uploadId));
      await this.#verify(file, result);
      if (file.status !== UPLOADING) return;
      state.result = result;
      state.phase = 'done';
      done();
    } catch (error) {
      this.#fail(file, error.message);
    }
  }

  /** A single-part upload is completed by its part: the part's answer carries the result. */
  #completedByPart(file) {
    if (file.upload.totalChunkCount !== 1) return null;
    try {
      return JSON.parse(file.upload.chunks[0].response)?.completed ?? null;
    } catch {
      return null;
    }
  }

  async #verify(file, result) {
    if (result.size !== file.size) {
      throw new Error(`The stored file has ${result.size} bytes, but ${file.size} were sent.`);
    }
    if (this.#checksums && result.checksumSha256) {
      const sent = await compositeSha256(file.hoist.partDigests);
      if (sent !== result.checksumSha256) {
        throw new Error('The stored file does not have the checksum of the bytes sent.');
      }
    }
  }

  #fail(file, message) {
    if (file.status !== UPLOADING && file.status !== ADDED && file.status !== QUEUED) return;
    file.hoist.error = message;
    // Dropzone would keep sending the file's other parts: stop them.
    for (const chunk of file.upload.chunks ?? []) {
      if (chunk?.status === UPLOADING && chunk.xhr) chunk.xhr.abort();
    }
    this._errorProcessing([file], message);
  }

  #abortOnServer(file) {
    this.#api.abortUpload(file.hoist.uploadId).catch((error) => {
      // The sweeper aborts it later; say so rather than pretend.
      file.hoist.error = error.message;
      this.emit('hoist:abortfailed', file, error);
    });
  }

  #bytesSent(file) {
    const { chunks } = file.upload;
    if (!chunks) return 0;
    const { partSize } = file.hoist;
    let sent = 0;
    chunks.forEach((chunk, index) => {
      if (!chunk) return;
      const size = Math.min(partSize, file.size - index * partSize);
      sent += chunk.status === SUCCESS ? size : Math.min(size, chunk.bytesSent || 0);
    });
    return sent;
  }
}
