// One file's upload over Hoist's multipart protocol (docs/api.md, "The flow"), free of any UI
// framework: the page's counterpart of Hoist.Client's UploadTransfer.
//
// - open(): creates the upload (POST /api/uploads), or adopts the unfinished upload this browser
//   remembers for the same file (RememberedUploads);
// - run(): lists the stored parts when anything may be there (GET …/parts), sends the missing ones
//   (PartSender), completes and verifies the whole-object checksum. An upload that is gone (404,
//   aborted or swept) or expired (410) is started over with a new one;
// - in direct mode (the server answers "direct": true) the parts go straight to the store
//   (direct-mode.mjs), each with its MD5; the object is verified by its multipart ETag, the MD5 of
//   the part MD5s, since the server has no SHA-256 of a part it did not see;
// - stop(): ends a run with nothing left in flight; the upload stays on the server for the next run.
//
// It reports what changes through `onChange(kind)` ('phase' | 'retry'), and keeps the figures a
// view shows: what the store holds, what is in flight, what this page sent.

import { ApiError } from './api.mjs';
import { compositeSha256, fromBase64, fromHex, md5Available, multipartEtag, sha256, sha256AndMd5, toHex } from './checksum.mjs';
import { directFailures, PartUrls } from './direct-mode.mjs';
import { PartFailure, PartSender, Stopped } from './part-sender.mjs';
import { relativePathOf } from './file-kind.mjs';
import { fingerprintOf } from './remembered-uploads.mjs';
import { withRetries } from './retry-policy.mjs';
import { codes } from './wire.mjs';

export { Stopped };

/** Answers that mean the upload id cannot be used any more: start over with a new upload. */
function isGone(error) {
  return error instanceof ApiError && (error.status === 404 || error.status === 410 || [codes.uploadIdForged, codes.uploadIdMalformed, codes.uploadIdUnsupported].includes(error.code));
}

/** The whole-object checksum did not match, or the size: final, the object is already complete. */
class Mismatch extends Error {
  final = true;
}

export class UploadTransfer {
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
  /** {sha256, md5} of each part as this page hashed it, by part index (md5 in direct mode only). */
  partHashes = [];
  /** The server offers direct mode for this upload: parts may go straight to the store. */
  direct = false;
  /** Parts go straight to the store now: direct, and sending directly has not failed in this session. */
  sendsDirect = false;
  /** Parts the store holds, as far as the page knows: part number → the store's {sha256, md5} of it, or null. */
  stored = new Map();
  /** Bytes the store holds. */
  storedBytes = 0;
  /** Bytes of parts this page had acknowledged by the store (not those found stored). */
  sentBytes = 0;
  /** A line about this upload's history, e.g. that it started over. */
  note = null;
  /** When it took over an earlier upload: the share of the file already stored then (0 to 100). */
  resumedPercent = null;
  /** While a part waits to be sent again: {partNumber, attempt, until, reason, status}. */
  retrying = null;
  /** Why the upload failed, in words for people. */
  error = null;
  /** Whether Retry can help. */
  retryable = false;
  /** Paused while it was being created: it pauses as soon as it is accepted. */
  pauseRequested = false;
  /** Told to start (auto-start, or "Upload n files"): it no longer waits to be reviewed. */
  startRequested = false;
  /** The stored file was deleted afterwards (DELETE /api/files/{key}). */
  deleted = false;
  /** The bytes a view shows as sent: they do not go back on a pause or a retry, only when it starts over. */
  shownBytes = 0;
  /** The answer of complete: {key, size, etag, checksumSha256?}. */
  result = null;
  /** True when the whole-object checksum was compared with the file's and matched. */
  verified = false;

  #api;
  #retryPolicy;
  #checksums;
  #parallelParts;
  #memory;
  #limitDigests;
  #group;
  #onChange;
  /** A single-part upload completes with its part: the part's answer carries the result. */
  #completedByPart = null;
  /** The current run: its signal and sender; stop() ends it. */
  #run = null;

  /**
   * @param {object} options
   * @param {File} options.file
   * @param {import('./api.mjs').HoistApi} options.api
   * @param {ReturnType<import('./retry-policy.mjs').backoff>} options.retryPolicy
   * @param {boolean} options.checksums send a SHA-256 with every part
   * @param {number} options.parallelParts parts in flight at once
   * @param {import('./remembered-uploads.mjs').RememberedUploads | null} options.memory
   * @param {ReturnType<import('./concurrency.mjs').concurrencyLimit>} options.limitDigests parts hashed at once (memory)
   * @param {import('./upload-groups.mjs').UploadGroup | null} [options.group] the folder it belongs to: its key shares the folder's id
   * @param {(kind: string) => void} [options.onChange]
   */
  constructor({ file, api, retryPolicy, checksums, parallelParts, memory, limitDigests, group = null, onChange = () => {} }) {
    this.file = file;
    this.#api = api;
    this.#retryPolicy = retryPolicy;
    this.#checksums = checksums;
    this.#parallelParts = parallelParts;
    this.#memory = memory;
    this.#limitDigests = limitDigests;
    this.#group = group;
    this.#onChange = onChange;
  }

  /** The name the upload is created with. */
  get fileName() {
    return relativePathOf(this.file);
  }

  /** True while a run is under way. */
  get running() {
    return this.#run !== null;
  }

  /** Bytes of parts in flight: sent to the server, not yet acknowledged. */
  get inFlightBytes() {
    return this.#run?.sender?.inFlightBytes ?? 0;
  }

  /** The file's fingerprint, or null where it cannot be kept or read. */
  async fingerprintOrNull() {
    if (!this.#memory) return null;
    try {
      return (this.fingerprint ??= await fingerprintOf(this.file));
    } catch {
      return null; // unreadable here: create fails with the reason when the parts are read
    }
  }

  /**
   * Creates the upload, or adopts the remembered one of the same file unless `mayAdopt` says no
   * (the same file is already on its way in this page).
   * @param {{mayAdopt?: (fingerprint: string) => boolean}} [options]
   */
  async open({ mayAdopt = () => true } = {}) {
    if (this.uploadId) return;
    const fingerprint = await this.fingerprintOrNull();
    if (fingerprint && !mayAdopt(fingerprint)) this.fingerprint = null;
    const remembered = this.fingerprint ? this.#memory.get(this.fingerprint) : null;
    if (remembered) {
      Object.assign(this, { uploadId: remembered.uploadId, expiresAt: remembered.expiresAt, mustCheck: true });
      return;
    }
    await this.#create();
  }

  /** Check, send, complete, verify. Resolves with the answer of complete; rejects with Stopped when stopped. */
  async run() {
    const run = (this.#run = { controller: new AbortController(), sender: null });
    const current = () => this.#run === run;
    const step = (phase) => {
      if (!current()) throw new Stopped();
      this.phase = phase;
      this.#onChange('phase');
    };
    try {
      if (this.mustCheck) {
        step('checking');
        await this.#check(run);
      }
      if (!this.result) {
        step('sending');
        await this.#sendParts(run);
        step('completing');
        const result = this.#completedByPart ?? (await withRetries(() => this.#api.completeUpload(this.uploadId), this.#retryPolicy, { signal: run.controller.signal }));
        if (!current()) throw new Stopped();
        await this.#verify(result, run);
        this.result = result;
      }
      if (!current()) throw new Stopped();
      this.phase = 'done';
      this.#run = null;
      this.forgetRemembered();
      return this.result;
    } catch (error) {
      if (error instanceof Stopped || !current()) throw new Stopped();
      this.stop();
      this.error = this.describe(error);
      this.retryable = Boolean(this.uploadId) && !error.final;
      // A wrong object is complete: dropping the file again must not pass it off as this file.
      if (error.final) this.forgetRemembered();
      throw error;
    }
  }

  /** Ends the current run: nothing of it stays in flight. */
  stop() {
    const run = this.#run;
    if (!run) return;
    this.#run = null;
    run.sender?.stop();
    run.controller.abort(new Stopped());
    this.retrying = null;
  }

  /** Before a run after a pause or a failure: the store may hold parts this page does not know of. */
  prepareRerun() {
    this.mustCheck ||= this.phase !== 'waiting';
    this.phase = 'waiting';
  }

  /** Aborts the upload on the server (DELETE /api/uploads/{uploadId}) and forgets it here. */
  abort() {
    this.forgetRemembered();
    return this.uploadId ? this.#api.abortUpload(this.uploadId) : Promise.resolve();
  }

  forgetRemembered() {
    if (this.#memory && this.fingerprint) this.#memory.forget(this.fingerprint);
  }

  /** Why a request failed, in words for people. */
  describe(error) {
    const tries = error.attempts > 1 ? ` (tried ${error.attempts} times)` : '';
    if (error instanceof PartFailure) {
      const which = this.partCount > 1 ? `Part ${error.partNumber} of ${this.partCount}` : 'The file';
      return `${which} could not be sent${tries}: ${error.message}`;
    }
    return `${error.message}${tries}`;
  }

  async #create() {
    const { file } = this;
    const create = (groupId) =>
      withRetries(
        () =>
          this.#api.createUpload({
            fileName: this.fileName,
            size: file.size,
            contentType: file.type || undefined,
            checksumAlgorithm: this.#checksums ? 'sha256' : undefined,
            groupId,
          }),
        this.#retryPolicy,
      );
    const created = this.#group ? await this.#group.create(create) : await create(undefined);
    Object.assign(this, {
      uploadId: created.uploadId,
      key: created.key,
      partSize: created.partSize,
      partCount: created.partCount,
      expiresAt: created.expiresAt,
      mustCheck: false,
      stored: new Map(),
      storedBytes: 0,
      partHashes: [],
      direct: created.direct === true,
    });
    this.sendsDirect = this.direct && !directFailures.failed;
    this.#completedByPart = null;
    if (this.fingerprint) this.#memory.remember(this.fingerprint, { ...created, name: this.fileName, size: file.size });
  }

  /** Asks the store which parts it holds; starts over when the upload is gone or expired. */
  async #check(run) {
    const { file } = this;
    const { signal } = run.controller;
    const adopted = this.partCount === 0;
    let listing;
    try {
      listing = await withRetries(() => this.#api.listParts(this.uploadId, { signal }), this.#retryPolicy, { signal });
    } catch (error) {
      if (error instanceof ApiError && error.code === codes.uploadCompleted) {
        // Completed before the page knew (a lost answer, a crash): completing again answers the object.
        this.result = await withRetries(() => this.#api.completeUpload(this.uploadId), this.#retryPolicy, { signal });
        this.mustCheck = false;
        if (adopted) this.resumedPercent = 100;
        return;
      }
      if (!isGone(error)) throw error;
      await this.#startOver(error.status === 410 ? 'The earlier upload had expired, so it starts over.' : 'The earlier upload is no longer on the server, so it starts over.');
      return;
    }
    if (listing.size !== file.size) {
      await this.#startOver('The earlier upload was for a different file, so it starts over.');
      return;
    }
    Object.assign(this, { partSize: listing.partSize, partCount: listing.partCount, mustCheck: false, direct: listing.direct === true });
    this.sendsDirect = this.direct && !directFailures.failed;
    const sizeOf = (n) => Math.min(this.partSize, file.size - (n - 1) * this.partSize);
    this.stored = new Map();
    this.storedBytes = 0;
    for (const part of listing.parts) {
      if (part.partNumber < 1 || part.partNumber > this.partCount || part.size !== sizeOf(part.partNumber)) continue;
      this.stored.set(part.partNumber, this.#storedHashes(part));
      this.storedBytes += part.size;
    }
    if (adopted && this.storedBytes > 0) this.resumedPercent = Math.floor((100 * this.storedBytes) / file.size);
    this.#onChange('phase');
  }

  /** What the store says of a stored part's bytes: its SHA-256 when Hoist saw it, else (direct mode) its ETag, the MD5. */
  #storedHashes(part) {
    const sha = part.checksumSha256 ? fromBase64(part.checksumSha256) : null;
    const etag = (part.etag ?? '').replaceAll('"', '');
    const md5 = !sha && this.direct && /^[0-9a-f]{32}$/i.test(etag) ? fromHex(etag) : null;
    return sha || md5 ? { sha256: sha, md5 } : null;
  }

  async #startOver(note) {
    this.forgetRemembered();
    await this.#create();
    this.sentBytes = 0;
    this.shownBytes = 0;
    this.resumedPercent = null;
    this.note = note;
  }

  #sendParts(run) {
    const send = [];
    const check = new Map();
    for (let n = 1; n <= this.partCount; n++) {
      if (!this.stored.has(n)) send.push(n);
      // Stored by an earlier page: compare the store's checksum with the file's bytes before trusting it.
      else if (this.#comparable(this.stored.get(n)) && !this.partHashes[n - 1]) check.set(n, this.stored.get(n));
    }
    run.sender = new PartSender({
      api: this.#api,
      file: this.file,
      upload: this,
      send,
      check,
      parallel: this.#parallelParts,
      retryPolicy: this.#retryPolicy,
      hashesOf: (partNumber, blob) => this.#hashesOf(run, partNumber, blob),
      direct: this.sendsDirect ? new PartUrls(this.#api, this.uploadId, run.controller.signal) : null,
      onDirectFailed: () => {
        // A CORS refusal looks the same for every file: the later ones go through Hoist at once.
        this.sendsDirect = false;
        directFailures.remember();
      },
      onStored: (partNumber, answer, size) => {
        if (!this.stored.has(partNumber)) this.storedBytes += size;
        this.sentBytes += size;
        this.stored.set(partNumber, null);
        if (answer?.completed) this.#completedByPart = answer.completed;
        // A part got through: the connection is back; a part still failing says so again.
        this.retrying = null;
      },
      onRetry: (failure, attempt, delayMs) => {
        this.retrying = { partNumber: failure.partNumber, attempt, until: Date.now() + delayMs, reason: failure.message, status: failure.status };
        this.#onChange('retry');
      },
    });
    return run.sender.run();
  }

  /** Whether a stored part's bytes can be compared with the file's here: by SHA-256 with checksums, or by MD5 in direct mode. */
  #comparable(stored) {
    return Boolean(stored && ((this.#checksums && stored.sha256) || (this.direct && stored.md5)));
  }

  /** The part's {sha256, md5}: SHA-256 with checksums, MD5 in direct mode (both from one read). */
  async #hashesOf(run, partNumber, blob) {
    const wantSha = this.#checksums;
    const wantMd5 = this.direct && md5Available();
    const known = this.partHashes[partNumber - 1];
    if ((!wantSha || known?.sha256) && (!wantMd5 || known?.md5)) return known ?? { sha256: null, md5: null };
    // WebCrypto hashes a whole buffer, so a part is read into memory to be hashed; doing one or
    // two at a time keeps memory at a part or two, however many are in flight and however large.
    const hashes = await this.#limitDigests(async () => {
      if (run.controller.signal.aborted) throw new Stopped();
      try {
        return wantMd5 ? await sha256AndMd5(blob, wantSha) : { sha256: await sha256(blob), md5: null };
      } catch (error) {
        throw new Error(`Part ${partNumber} could not be read from the disk (${error.message}). Was the file changed or removed?`);
      }
    });
    this.partHashes[partNumber - 1] = hashes;
    return hashes;
  }

  async #allHashes(run) {
    const all = [];
    for (let n = 1; n <= this.partCount; n++) {
      all.push(await this.#hashesOf(run, n, this.file.slice((n - 1) * this.partSize, n * this.partSize)));
    }
    return all;
  }

  /** Compares the stored object with the file. A mismatch is final: the object is already complete. */
  async #verify(result, run) {
    const { file } = this;
    if (result.size !== file.size) throw new Mismatch(`The stored file has ${result.size} bytes, but ${file.size} were sent.`);
    const bySha = this.#checksums && Boolean(result.checksumSha256);
    // Direct mode: the server has no SHA-256 of parts sent directly; the store's ETag stands in.
    const byEtag = this.direct && Boolean(result.etag) && this.partCount > 0;
    if (!bySha && !byEtag) return;
    const hashes = await this.#allHashes(run);
    if (bySha && (await compositeSha256(hashes.map((h) => h.sha256))) !== result.checksumSha256) throw new Mismatch('The stored file does not have the checksum of the bytes sent.');
    if (byEtag) {
      const etag = result.etag.replaceAll('"', '').toLowerCase();
      const md5s = hashes.map((h) => h.md5);
      // Without MD5 here (every part went through Hoist then) checksumSha256 alone verifies.
      if (md5s.every(Boolean)) {
        // An object made of parts has S3's multipart ETag; one stored whole (a single part) its MD5.
        const expected = etag.includes('-') ? await multipartEtag(md5s) : toHex(md5s[0]);
        if (etag !== expected) throw new Mismatch('The stored file does not have the MD5s of the bytes sent.');
      } else if (!bySha) {
        return;
      }
    }
    this.verified = true;
  }
}
