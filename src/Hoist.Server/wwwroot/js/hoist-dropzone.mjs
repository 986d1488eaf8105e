// Dropzone as the page's drop zone, file picker and queue; the upload of each file is an
// UploadTransfer (upload-transfer.mjs), which speaks Hoist's protocol. Only Dropzone's public
// API is used: its options (`accept`), its file statuses, `emit` for its file events,
// `processQueue`, `enqueueFile`, `cancelUpload`, `removeFile`, and `uploadFiles` replaced.
//
// Per file:
// - added, it is checked against the server's limits (UploadLimits); with auto-start off it then
//   waits, 'ready', for startAll() ("Upload n files") and can be removed meanwhile;
// - accepting it (Dropzone's `accept`) opens its transfer: creates the upload or adopts the one
//   this browser remembers for the same file;
// - taken from the queue (`uploadFiles`), its transfer runs; success and failure are told with
//   Dropzone's own events ('success' or 'error', then 'complete', which starts the next file);
// - pausing it stops its transfer (no request in flight) and takes it out of the queue with a
//   status of its own, so the next file starts; resuming puts it back in the queue;
// - a failure (after the retry policy gave up) leaves the upload on the server: Retry resumes it;
// - the files of a dropped or chosen folder are a group (upload-groups.mjs): their keys share one id.

import { Dropzone } from '../lib/dropzone/dropzone.mjs';
import { checksumsAvailable } from './checksum.mjs';
import { concurrencyLimit } from './concurrency.mjs';
import { RememberedUploads } from './remembered-uploads.mjs';
import { backoff, isTransient } from './retry-policy.mjs';
import { relativePathOf } from './file-kind.mjs';
import { UploadGroups } from './upload-groups.mjs';
import { Stopped, UploadTransfer } from './upload-transfer.mjs';
import { routes } from './wire.mjs';

const { ADDED, QUEUED, UPLOADING, SUCCESS, CANCELED, ERROR } = Dropzone;

/** A status of the page's own: Dropzone neither queues nor sends a file with it. */
const PAUSED = 'paused';

/** The page's status of a file: the values of a row's data-status. */
export function statusOf(file) {
  switch (file.status) {
    case SUCCESS: return file.hoist?.deleted ? 'deleted' : 'complete';
    case ERROR: return 'failed';
    case CANCELED: return 'canceled';
    case PAUSED: return 'paused';
    case UPLOADING: return file.hoist?.retrying ? 'waiting' : 'uploading';
    default:
      if (file.hoist?.phase === 'ready') return 'ready';
      return file.hoist?.pauseRequested ? 'paused' : 'queued';
  }
}

export class HoistDropzone extends Dropzone {
  #transferSettings;
  #memory;
  #limitCreates;
  #limits;
  #autoStart;
  /** Files waiting for startAll(): file → Dropzone's accept callback. */
  #ready = new Map();
  /** The folders dropped or chosen: each one's files share one id in their keys. */
  #groups = new UploadGroups();

  /**
   * @param {HTMLElement} element the drop zone
   * @param {object} settings
   * @param {import('./api.mjs').HoistApi} settings.api
   * @param {number} [settings.parallelUploads] files sent at once
   * @param {number} [settings.parallelParts] parts of one file in flight at once
   * @param {ReturnType<typeof backoff>} [settings.retryPolicy] when a failed request is sent again
   * @param {boolean} [settings.checksums] send a SHA-256 with every part (needs WebCrypto)
   * @param {RememberedUploads} [settings.memory] unfinished uploads kept across reloads
   * @param {import('./upload-limits.mjs').UploadLimits} [settings.limits] the server's limits, checked before a file is sent
   * @param {boolean} [settings.autoStart] files start when added; else they wait for startAll()
   */
  constructor(element, { api, parallelUploads = 3, parallelParts = 4, retryPolicy = backoff(), checksums = checksumsAvailable, memory = new RememberedUploads(), limits = null, autoStart = true, clickable = true }) {
    super(element, {
      url: routes.uploads, // unused (the parts have their own URLs), but Dropzone insists on one
      parallelUploads,
      autoProcessQueue: false, // a file waits for its uploadId (see #accept)
      maxFilesize: null, // the server decides (413 file_too_large)
      // Small previews of images (the 'thumbnail' event), made from files of 10 MB at most.
      createImageThumbnails: true,
      thumbnailWidth: 48,
      thumbnailHeight: 48,
      maxThumbnailFilesize: 10,
      previewsContainer: false, // the page renders its own rows
      clickable,
      canceled() {}, // by default Dropzone reports a cancel as an error
    });
    // The fingerprint needs WebCrypto; without it a file is never mistaken for another.
    this.#memory = checksums && memory.available ? memory : null;
    this.#transferSettings = { api, retryPolicy, checksums, parallelParts, memory: this.#memory, limitDigests: concurrencyLimit(2) };
    this.#limitCreates = concurrencyLimit(4);
    this.#limits = limits;
    this.#autoStart = autoStart;

    this.options.accept = (file, done) => this.#accept(file, done);
    // With autoProcessQueue off Dropzone does not start the next file by itself.
    this.on('complete', () => queueMicrotask(() => this.processQueue()));
  }

  /** The unfinished uploads this browser remembers, or null where it cannot remember any. */
  get memory() {
    return this.#memory;
  }

  /**
   * A file's figures, the one source of every number the page shows for it and in the overall line:
   * - `stored`: bytes the server holds (found there when it resumed, or sent since);
   * - `sent`: bytes this page sent in this visit (stored since, or in flight): what the speed measures;
   * - `done`: what the bar and "x of y" show: while it runs, what is stored and in flight (never going
   *   back within the run); while it does not run (paused, waiting for the connection, failed), what
   *   is stored, so a file that does not move shows figures that do not move.
   * @returns {{done: number, stored: number, sent: number, total: number}}
   */
  progressOf(file) {
    const state = file.hoist;
    const total = file.size;
    if (!state) return { done: 0, stored: 0, sent: 0, total };
    if (file.status === SUCCESS) return { done: total, stored: total, sent: state.sentBytes, total };
    const running = file.status === UPLOADING && !state.retrying;
    const inFlight = running ? state.inFlightBytes : 0;
    state.shownBytes = running ? Math.max(state.shownBytes, Math.min(state.storedBytes + inFlight, total)) : state.storedBytes;
    return { done: state.shownBytes, stored: state.storedBytes, sent: state.sentBytes + inFlight, total };
  }

  /** The files added and waiting for startAll(). */
  get readyFiles() {
    return [...this.#ready.keys()];
  }

  /** Starts the files that wait to be reviewed ("Upload n files"); how many. */
  startAll() {
    const ready = [...this.#ready];
    this.#ready.clear();
    for (const [file, done] of ready) this.#open(file, done);
    return ready.length;
  }

  /** True while the file can be paused: waiting or sending, not while it completes. */
  isPausable(file) {
    return [ADDED, QUEUED, UPLOADING].includes(file.status) && !this.#ready.has(file) && !file.hoist?.pauseRequested && file.hoist?.phase !== 'completing';
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
      file.hoist.pauseRequested = true; // #accept pauses it once it is accepted
    } else {
      file.hoist.stop();
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
      this.#open(file, (error) => {
        if (error) {
          this.#settle(file, ERROR, 'error', error);
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
    file.hoist?.stop();
    if (file.status === PAUSED) {
      file.status = CANCELED;
      this.emit('canceled', file);
    } else {
      this.cancelUpload(file);
    }
    // Still being created: #accept aborts it as soon as its uploadId is known.
    if (file.hoist?.uploadId) this.#abortOnServer(file);
    else file.hoist?.forgetRemembered();
    return true;
  }

  /** Drops a finished (or not yet started) file from the list; a failed one is also aborted on the server. */
  forget(file) {
    if (file.status === ERROR && file.hoist?.uploadId) this.#abortOnServer(file);
    this.#ready.delete(file);
    this.removeFile(file);
  }

  /** Dropzone's drop: the folders in it are new groups, even when one of the same name came before. */
  drop(event) {
    this.#groups.nextBatch();
    return super.drop(event);
  }

  /** Before the files of a chosen folder (`webkitdirectory`) are added: they form a new group. */
  startFolder() {
    this.#groups.nextBatch();
  }

  /** Dropzone's sending step, for one file taken from the queue. */
  uploadFiles([file]) {
    this.#run(file);
  }

  /** Dropzone's end of a file, told with its public events: 'complete' starts the next one. */
  #settle(file, status, event, ...args) {
    file.status = status;
    this.emit(event, file, ...args);
    this.emit('complete', file);
  }

  #requeue(file) {
    file.hoist.prepareRerun();
    file.status = QUEUED;
    this.processQueue();
  }

  #transferOf(file) {
    return (file.hoist ??= new UploadTransfer({ file, ...this.#transferSettings, group: this.#groups.of(relativePathOf(file)), onChange: () => this.emit('hoist:phase', file) }));
  }

  async #accept(file, done) {
    const transfer = this.#transferOf(file);
    if (this.#limits) {
      await this.#limits.ready;
      const refusal = this.#limits.refusal(file);
      if (refusal) {
        // Refused here as the server would: nothing is created, and Retry cannot help.
        transfer.error = refusal;
        transfer.retryable = false;
        done(refusal);
        return;
      }
    }
    if (!this.#autoStart && !transfer.startRequested) {
      transfer.phase = 'ready';
      this.#ready.set(file, done);
      this.emit('hoist:phase', file);
      return;
    }
    await this.#open(file, done);
  }

  async #open(file, done) {
    const transfer = this.#transferOf(file);
    transfer.startRequested = true;
    transfer.phase = 'creating';
    this.emit('hoist:phase', file);
    try {
      await this.#limitCreates(async () => {
        if (file.status === CANCELED) return;
        await transfer.open({ mayAdopt: (fingerprint) => this.#mayAdopt(file, fingerprint) });
      });
    } catch (error) {
      if (file.status === CANCELED) return;
      transfer.error = transfer.describe(error);
      // Refusals of the file itself (too large, a type not allowed) stay refused.
      transfer.retryable = typeof error.status === 'number' && isTransient(error.status);
      done(transfer.error);
      return;
    }
    if (file.status === CANCELED) {
      if (transfer.uploadId) this.#abortOnServer(file);
      return;
    }
    transfer.phase = 'waiting';
    done(); // accepted: Dropzone queues the file
    if (transfer.pauseRequested) {
      transfer.pauseRequested = false;
      file.status = PAUSED;
    }
    this.emit('hoist:phase', file);
    this.processQueue();
  }

  /** Whether a file may take over the upload remembered for its fingerprint. */
  #mayAdopt(file, fingerprint) {
    const twins = this.files.filter((other) => other !== file && other.hoist?.fingerprint === fingerprint);
    // The same file is already on its way in this page: this one is a second, separate upload.
    if (twins.some((other) => ![ERROR, CANCELED, SUCCESS].includes(other.status))) return false;
    // Dropped again after it failed here: the new row takes the upload over; the old one goes.
    if (this.#memory?.get(fingerprint)) for (const twin of twins) if (twin.status === ERROR) this.removeFile(twin);
    return true;
  }

  async #run(file) {
    const transfer = file.hoist;
    try {
      const result = await transfer.run();
      if (file.status === UPLOADING) this.#settle(file, SUCCESS, 'success', result);
    } catch (error) {
      if (error instanceof Stopped || ![UPLOADING, ADDED, QUEUED].includes(file.status)) return;
      this.#settle(file, ERROR, 'error', transfer.error);
    }
  }

  #abortOnServer(file) {
    file.hoist.abort().catch((error) => {
      // The sweeper aborts it later; say so rather than pretend.
      file.hoist.error = error.message;
      this.emit('hoist:abortfailed', file, error);
    });
  }
}
