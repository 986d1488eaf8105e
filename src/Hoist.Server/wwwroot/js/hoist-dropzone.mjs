// Dropzone speaking Hoist's multipart protocol (docs/api.md, "The flow"), with pause, resume and retries.
//
// Dropzone keeps what it is good at: the drop zone and file picker, the queue (a few files at a
// time, in order) and the file events the page renders. The parts of a file are sent by this
// page's own PartSender, not by Dropzone's chunking: Dropzone's chunk state lives in closures of
// one call and cannot be paused, resumed from what the store holds, or retried with backoff.
// So `uploadFiles` is replaced: for a file it takes from the queue it (re)checks what the store
// holds when anything may be there, sends the missing parts, completes and verifies.
//
// Per file:
// - accepting it (Dropzone's `accept`) creates the upload (POST /api/uploads), or adopts the
//   unfinished upload this browser remembers for the same file (RememberedUploads);
// - pausing it stops its sender (no request in flight) and takes it out of the queue with a
//   status of its own, so the next file starts; resuming puts it back in the queue;
// - a start after a pause, a failure or an adoption lists the stored parts (GET …/parts): only the
//   missing ones are sent. An upload that is gone (404, aborted or swept) or expired (410) is
//   started over with a new one;
// - a failure (after the retry policy gave up) leaves the upload on the server: Retry resumes it.

import { Dropzone } from '../lib/dropzone/dropzone.mjs';
import { ApiError } from './api.mjs';
import { checksumsAvailable, compositeSha256, fromBase64, sha256 } from './checksum.mjs';
import { PartFailure, PartSender, Stopped } from './part-sender.mjs';
import { fingerprintOf, RememberedUploads } from './remembered-uploads.mjs';
import { backoff, isTransient, withRetries } from './retry-policy.mjs';
import { codes, routes } from './wire.mjs';

const { ADDED, QUEUED, UPLOADING, SUCCESS, CANCELED, ERROR } = Dropzone;

/** A status of the page's own: Dropzone neither queues nor sends a file with it. */
const PAUSED = 'paused';

/** The page's status of a file: the values of a row's data-status. */
export function statusOf(file) {
  switch (file.status) {
    case SUCCESS: return 'complete';
    case ERROR: return 'failed';
    case CANCELED: return 'canceled';
    case PAUSED: return 'paused';
    case UPLOADING: return 'uploading';
    default: return file.hoist?.pauseRequested ? 'paused' : 'queued';
  }
}

/** Answers that mean the upload id cannot be used any more: start over with a new upload. */
function isGone(error) {
  return error instanceof ApiError && (error.status === 404 || error.status === 410 || [codes.uploadIdForged, codes.uploadIdMalformed, codes.uploadIdUnsupported].includes(error.code));
}

/** A file's upload, as the page tracks it (on `file.hoist`). */
class UploadState {
  /** 'creating' | 'waiting' | 'checking' | 'sending' | 'completing' | 'done' */
  phase = 'creating';
  uploadId = null;
  key = null;
  partSize = 0;
  partCount = 0;
  expiresAt = null;
  /** The file's fingerprint when this browser remembers its upload across reloads. */
  fingerprint = null;
  /** True when parts may be stored that this page does not know of: list them before sending. */
  mustCheck = false;
  /** SHA-256 of each part as this page hashed it, by part index. */
  partDigests = [];
  /** Parts the store holds, as far as the page knows: part number → the store's SHA-256 or null. */
  stored = new Map();
  storedBytes = 0;
  /** Bytes shown as sent; never goes backwards on a pause or a retry. */
  sent = 0;
  /** A line about this upload's history, e.g. that it started over. */
  note = null;
  /** When it took over an earlier upload: the share of the file already stored then (0 to 100). */
  resumedPercent = null;
  /** While a part waits to be sent again: {partNumber, attempt, until, reason}. */
  retrying = null;
  /** Why the upload failed, in words for people. */
  error = null;
  /** Whether Retry can help. */
  retryable = false;
  /** Paused while it was being created: it pauses as soon as it is accepted. */
  pauseRequested = false;
  /** The current run (one pass from the queue to done): stop() ends it. */
  run = null;
  /** A single-part upload completes with its part: the part's answer carries the result. */
  completedByPart = null;
  /** The answer of complete: {key, size, etag, checksumSha256?}. */
  result = null;
}

/** One pass of a file from the queue to done; stopping it aborts everything it has in flight. */
class Run {
  #controller = new AbortController();
  sender = null;

  get signal() {
    return this.#controller.signal;
  }

  stop() {
    this.sender?.stop();
    this.#controller.abort(new Stopped());
  }
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
  #parallelParts;
  #memory;
  #limitCreates;
  #limitDigests;

  /**
   * @param {HTMLElement} element the drop zone
   * @param {object} settings
   * @param {import('./api.mjs').HoistApi} settings.api
   * @param {number} [settings.parallelUploads] files sent at once
   * @param {number} [settings.parallelParts] parts of one file in flight at once
   * @param {ReturnType<typeof backoff>} [settings.retryPolicy] when a failed request is sent again
   * @param {boolean} [settings.checksums] send a SHA-256 with every part (needs WebCrypto)
   * @param {RememberedUploads} [settings.memory] unfinished uploads kept across reloads
   */
  constructor(element, { api, parallelUploads = 3, parallelParts = 4, retryPolicy = backoff(), checksums = checksumsAvailable, memory = new RememberedUploads(), clickable = true }) {
    super(element, {
      url: routes.uploads, // unused (the parts have their own URLs), but Dropzone insists on one
      parallelUploads,
      autoProcessQueue: false, // a file waits for its uploadId (see #prepare)
      maxFilesize: null, // the server decides (413 file_too_large)
      createImageThumbnails: false,
      previewsContainer: false, // the page renders its own rows
      clickable,
      canceled() {}, // by default Dropzone reports a cancel as an error
    });
    this.#api = api;
    this.#retryPolicy = retryPolicy;
    this.#checksums = checksums;
    this.#parallelParts = parallelParts;
    // The fingerprint needs WebCrypto; without it a file is never mistaken for another.
    this.#memory = checksums && memory.available ? memory : null;
    this.#limitCreates = concurrencyLimit(4);
    this.#limitDigests = concurrencyLimit(2);

    this.options.accept = (file, done) => this.#prepare(file, done);
    // With autoProcessQueue off Dropzone does not start the next file by itself.
    this.on('complete', () => queueMicrotask(() => this.processQueue()));
  }

  /**
   * {sent, stored, total} bytes of a file. `sent` is what the progress shows: it never goes back,
   * though the bytes of parts aborted in flight (a pause, a failed try) are sent again. `stored`
   * is what the store is known to hold.
   */
  progressOf(file) {
    const state = file.hoist;
    if (!state) return { sent: 0, stored: 0, total: file.size };
    if (file.status === SUCCESS) {
      state.sent = file.size;
      return { sent: file.size, stored: file.size, total: file.size };
    }
    const now = state.storedBytes + (state.run?.sender?.inFlightBytes ?? 0);
    state.sent = Math.max(state.sent, Math.min(now, file.size));
    return { sent: state.sent, stored: state.storedBytes, total: file.size };
  }

  /** True while the file can be paused: waiting or sending, not while it completes. */
  isPausable(file) {
    return [ADDED, QUEUED, UPLOADING].includes(file.status) && !file.hoist?.pauseRequested && file.hoist?.phase !== 'completing';
  }

  isPaused(file) {
    return file.status === PAUSED || (file.status === ADDED && Boolean(file.hoist?.pauseRequested));
  }

  /** True while the file can still be canceled (not while its completion is in flight). */
  isCancelable(file) {
    return [ADDED, QUEUED, UPLOADING, PAUSED].includes(file.status) && file.hoist?.phase !== 'completing';
  }

  isRetryable(file) {
    return file.status === ERROR && Boolean(file.hoist?.retryable);
  }

  /** Stops a file: nothing of it stays in flight. Its upload stays on the server for resume(). */
  pause(file) {
    if (!this.isPausable(file)) return false;
    if (file.status === ADDED) {
      file.hoist.pauseRequested = true; // #prepare pauses it once it is accepted
    } else {
      this.#stopRun(file);
      file.status = PAUSED;
      queueMicrotask(() => this.processQueue()); // its place goes to the next file
    }
    this.emit('hoist:paused', file);
    return true;
  }

  /** Puts a paused file back in the queue; it sends only what the store is missing. */
  resume(file) {
    if (file.status === ADDED && file.hoist?.pauseRequested) {
      file.hoist.pauseRequested = false;
    } else if (file.status === PAUSED) {
      this.#requeue(file);
    } else {
      return false;
    }
    this.emit('hoist:resumed', file);
    return true;
  }

  pauseAll() {
    return this.files.filter((file) => this.pause(file)).length;
  }

  resumeAll() {
    return this.files.filter((file) => this.resume(file)).length;
  }

  /** Tries a failed file again: it resumes its upload, or creates it when that failed. */
  retry(file) {
    if (!this.isRetryable(file)) return false;
    const state = file.hoist;
    state.error = null;
    state.retryable = false;
    if (state.uploadId) {
      this.#requeue(file);
    } else {
      file.status = ADDED;
      state.phase = 'creating';
      this.#prepare(file, (error) => {
        if (error) {
          this._errorProcessing([file], error);
        } else {
          file.accepted = true;
          this.enqueueFile(file);
        }
      });
    }
    this.emit('hoist:phase', file);
    return true;
  }

  /** Stops a file's upload here and aborts it on the server (DELETE /api/uploads/{uploadId}). */
  cancel(file) {
    if (!this.isCancelable(file)) return false;
    this.#stopRun(file);
    if (file.status === PAUSED) {
      file.status = CANCELED;
      this.emit('canceled', file);
    } else {
      this.cancelUpload(file);
    }
    this.#forgetRemembered(file);
    // Still being created: #prepare aborts it as soon as its uploadId is known.
    if (file.hoist?.uploadId) this.#abortOnServer(file);
    return true;
  }

  /** Drops a finished file from the list; a failed one is also aborted on the server. */
  forget(file) {
    if (file.status === ERROR && file.hoist?.uploadId) {
      this.#forgetRemembered(file);
      this.#abortOnServer(file);
    }
    this.removeFile(file);
  }

  /** Dropzone's sending step, for one file taken from the queue. */
  uploadFiles([file]) {
    this.#send(file);
  }

  #requeue(file) {
    const state = file.hoist;
    state.mustCheck ||= state.phase !== 'waiting';
    state.phase = 'waiting';
    file.status = QUEUED;
    this.processQueue();
  }

  #stopRun(file) {
    const state = file.hoist;
    if (!state?.run) return;
    state.run.stop();
    state.run = null;
    state.retrying = null;
  }

  async #prepare(file, done) {
    const state = (file.hoist ??= new UploadState());
    try {
      await this.#limitCreates(async () => {
        if (file.status === CANCELED) return;
        if (!state.uploadId && !(await this.#adoptRemembered(file))) await this.#create(file);
      });
    } catch (error) {
      if (file.status === CANCELED) return;
      state.error = this.#reason(file, error);
      // Refusals of the file itself (too large, a type not allowed) stay refused.
      state.retryable = typeof error.status === 'number' && isTransient(error.status);
      done(state.error);
      return;
    }
    if (file.status === CANCELED) {
      if (state.uploadId) this.#abortOnServer(file);
      this.#forgetRemembered(file);
      return;
    }
    state.phase = 'waiting';
    done(); // accepted: Dropzone queues the file
    if (state.pauseRequested) {
      state.pauseRequested = false;
      file.status = PAUSED;
    }
    this.emit('hoist:phase', file);
    this.processQueue();
  }

  /** Takes over the unfinished upload this browser remembers for the same file, if any. */
  async #adoptRemembered(file) {
    const state = file.hoist;
    if (!this.#memory) return false;
    try {
      state.fingerprint ??= await fingerprintOf(file);
    } catch {
      return false; // unreadable here: #create fails with the reason when the parts are read
    }
    const twins = this.files.filter((other) => other !== file && other.hoist?.fingerprint === state.fingerprint);
    if (twins.some((other) => ![ERROR, CANCELED, SUCCESS].includes(other.status))) {
      // The same file is already on its way in this page: this one is a second, separate upload.
      state.fingerprint = null;
      return false;
    }
    const remembered = this.#memory.get(state.fingerprint);
    if (!remembered) return false;
    // Dropped again after it failed here: the new row takes the upload over; the old one goes.
    for (const twin of twins) if (twin.status === ERROR) this.removeFile(twin);
    Object.assign(state, { uploadId: remembered.uploadId, expiresAt: remembered.expiresAt, mustCheck: true });
    return true;
  }

  async #create(file) {
    const state = file.hoist;
    const created = await withRetries(
      () =>
        this.#api.createUpload({
          fileName: file.name,
          size: file.size,
          contentType: file.type || undefined,
          checksumAlgorithm: this.#checksums ? 'sha256' : undefined,
        }),
      this.#retryPolicy,
    );
    Object.assign(state, {
      uploadId: created.uploadId,
      key: created.key,
      partSize: created.partSize,
      partCount: created.partCount,
      expiresAt: created.expiresAt,
      mustCheck: false,
      stored: new Map(),
      storedBytes: 0,
      partDigests: [],
      completedByPart: null,
    });
    if (state.fingerprint) this.#memory.remember(state.fingerprint, created);
  }

  async #send(file) {
    const state = file.hoist;
    const run = (state.run = new Run());
    const current = () => state.run === run && file.status === UPLOADING;
    try {
      if (state.mustCheck) {
        state.phase = 'checking';
        this.emit('hoist:phase', file);
        await this.#check(file, run);
        if (!current()) return;
      }
      if (!state.result) {
        state.phase = 'sending';
        this.emit('hoist:phase', file);
        await this.#sendParts(file, run);
        if (!current()) return;
        state.phase = 'completing';
        this.emit('hoist:phase', file);
        const result = state.completedByPart ?? (await withRetries(() => this.#api.completeUpload(state.uploadId), this.#retryPolicy, { signal: run.signal }));
        if (!current()) return;
        await this.#verify(file, result);
        state.result = result;
      }
      if (!current()) return;
      state.phase = 'done';
      state.run = null;
      this.#forgetRemembered(file);
      this._finished([file], state.result);
    } catch (error) {
      if (error instanceof Stopped || !current()) return;
      this.#fail(file, error);
    }
  }

  /** Asks the store which parts it holds; starts over when the upload is gone or expired. */
  async #check(file, run) {
    const state = file.hoist;
    const adopted = state.partCount === 0;
    let listing;
    try {
      listing = await withRetries(() => this.#api.listParts(state.uploadId, { signal: run.signal }), this.#retryPolicy, { signal: run.signal });
    } catch (error) {
      if (error instanceof ApiError && error.code === codes.uploadCompleted) {
        // Completed before the page knew (a lost answer, a crash): completing again answers the object.
        state.result = await withRetries(() => this.#api.completeUpload(state.uploadId), this.#retryPolicy, { signal: run.signal });
        state.mustCheck = false;
        if (adopted) state.resumedPercent = 100;
        return;
      }
      if (!isGone(error)) throw error;
      await this.#startOver(file, error.status === 410 ? 'The earlier upload had expired, so it starts over.' : 'The earlier upload is no longer on the server, so it starts over.');
      return;
    }
    if (listing.size !== file.size) {
      await this.#startOver(file, 'The earlier upload was for a different file, so it starts over.');
      return;
    }
    Object.assign(state, { partSize: listing.partSize, partCount: listing.partCount, mustCheck: false });
    const sizeOf = (n) => Math.min(state.partSize, file.size - (n - 1) * state.partSize);
    state.stored = new Map();
    state.storedBytes = 0;
    for (const part of listing.parts) {
      if (part.partNumber < 1 || part.partNumber > state.partCount || part.size !== sizeOf(part.partNumber)) continue;
      state.stored.set(part.partNumber, part.checksumSha256 ? fromBase64(part.checksumSha256) : null);
      state.storedBytes += part.size;
    }
    if (adopted && state.storedBytes > 0) {
      state.resumedPercent = Math.floor((100 * state.storedBytes) / file.size);
    }
    this.emit('hoist:phase', file);
  }

  async #startOver(file, note) {
    const state = file.hoist;
    this.#forgetRemembered(file);
    await this.#create(file);
    // The bytes sent before are gone with the old upload: this progress does go back, and says why.
    state.sent = 0;
    state.resumedPercent = null;
    state.note = note;
  }

  #sendParts(file, run) {
    const state = file.hoist;
    const send = [];
    const check = new Map();
    for (let n = 1; n <= state.partCount; n++) {
      if (!state.stored.has(n)) send.push(n);
      // Stored by an earlier page: compare the store's checksum with the file's bytes before trusting it.
      else if (this.#checksums && state.stored.get(n) && !state.partDigests[n - 1]) check.set(n, state.stored.get(n));
    }
    run.sender = new PartSender({
      api: this.#api,
      file,
      upload: state,
      send,
      check,
      parallel: this.#parallelParts,
      retryPolicy: this.#retryPolicy,
      digestOf: (partNumber, blob) => this.#digestOf(file, run, partNumber, blob),
      onStored: (partNumber, answer, size) => {
        if (!state.stored.has(partNumber)) state.storedBytes += size;
        state.stored.set(partNumber, null);
        if (answer?.completed) state.completedByPart = answer.completed;
        if (state.retrying?.partNumber === partNumber) state.retrying = null;
      },
      onRetry: (failure, attempt, delayMs) => {
        state.retrying = { partNumber: failure.partNumber, attempt, until: Date.now() + delayMs, reason: failure.message };
        this.emit('hoist:retry', file, failure.partNumber, attempt);
      },
    });
    return run.sender.run();
  }

  async #digestOf(file, run, partNumber, blob) {
    if (!this.#checksums) return null;
    const digests = file.hoist.partDigests;
    // WebCrypto hashes a whole buffer, so a part is read into memory to be hashed; doing one or
    // two at a time keeps memory at a part or two, however many are in flight and however large.
    digests[partNumber - 1] ??= await this.#limitDigests(async () => {
      if (run.signal.aborted) throw new Stopped();
      try {
        return await sha256(blob);
      } catch (error) {
        throw new Error(`Part ${partNumber} could not be read from the disk (${error.message}). Was the file changed or removed?`);
      }
    });
    return digests[partNumber - 1];
  }

  /** Compares the stored object with the file. A mismatch is final: the object is already complete. */
  async #verify(file, result) {
    const state = file.hoist;
    const mismatch = (message) => Object.assign(new Error(message), { final: true });
    if (result.size !== file.size) {
      throw mismatch(`The stored file has ${result.size} bytes, but ${file.size} were sent.`);
    }
    if (!this.#checksums || !result.checksumSha256) return;
    const digests = [];
    for (let n = 1; n <= state.partCount; n++) {
      digests.push(state.partDigests[n - 1] ?? (await this.#digestOf(file, state.run, n, file.slice((n - 1) * state.partSize, n * state.partSize))));
    }
    if ((await compositeSha256(digests)) !== result.checksumSha256) {
      throw mismatch('The stored file does not have the checksum of the bytes sent.');
    }
  }

  #fail(file, error) {
    if (![UPLOADING, ADDED, QUEUED].includes(file.status)) return;
    const state = file.hoist;
    this.#stopRun(file);
    state.error = this.#reason(file, error);
    state.retryable = Boolean(state.uploadId) && !error.final;
    // A wrong object is complete: dropping the file again must not pass it off as this file.
    if (error.final) this.#forgetRemembered(file);
    this._errorProcessing([file], state.error);
  }

  #reason(file, error) {
    const { partCount } = file.hoist;
    const tries = error.attempts > 1 ? ` (tried ${error.attempts} times)` : '';
    if (error instanceof PartFailure) {
      const which = partCount > 1 ? `Part ${error.partNumber} of ${partCount}` : 'The file';
      return `${which} could not be sent${tries}: ${error.message}`;
    }
    return `${error.message}${tries}`;
  }

  #forgetRemembered(file) {
    if (this.#memory && file.hoist?.fingerprint) this.#memory.forget(file.hoist.fingerprint);
  }

  #abortOnServer(file) {
    this.#api.abortUpload(file.hoist.uploadId).catch((error) => {
      // The sweeper aborts it later; say so rather than pretend.
      file.hoist.error = error.message;
      this.emit('hoist:abortfailed', file, error);
    });
  }
}
