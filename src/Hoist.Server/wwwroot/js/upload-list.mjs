// The rows of the files being uploaded, the overall progress and the spoken announcements.
// Rows come from a <template>; state is shown with data-status, classes and text, never inline styles.

import { statusOf } from './hoist-dropzone.mjs';
import { kindLabels, kindOf, relativePathOf } from './file-kind.mjs';
import { FinishedFile } from './finished-file.mjs';
import { formatBytes, formatDuration, formatRate } from './format.mjs';
import { isUnreachable } from './retry-policy.mjs';
import { RateMeter } from './rate-meter.mjs';

const terminal = new Set(['complete', 'failed', 'canceled', 'deleted']);
const tickMs = 250;

function percent(done, total, status) {
  if (status === 'complete') return 100;
  return total > 0 ? Math.min(100, (100 * done) / total) : 0;
}

class UploadRow {
  constructor(file, template) {
    this.file = file;
    this.meter = new RateMeter();
    this.element = template.content.firstElementChild.cloneNode(true);
    const find = (selector) => this.element.querySelector(selector);
    this.name = find('.file-name');
    this.size = find('.upload-size');
    this.progress = find('.upload-progress');
    this.state = find('.upload-state');
    this.speed = find('.upload-speed');
    this.eta = find('.upload-eta');
    this.note = find('.upload-note');
    this.toggle = find('.upload-toggle');
    this.action = find('.upload-action');
    this.icon = find('.file-icon');
    this.thumbnail = find('.file-thumbnail');
    this.finished = find('.upload-finished');
    this.link = find('.upload-link');
    this.verified = find('.upload-verified');
    this.copy = find('.upload-copy');
    this.remove = find('.upload-delete');
    this.keep = find('.upload-keep');
    this.share = find('.upload-share');
    this.message = find('.upload-message');
    /** The name shown and sent: a folder's file keeps its relative path. */
    this.label = relativePathOf(file);
    this.name.textContent = this.label;
    this.name.title = this.label;
    const kind = kindOf(file);
    this.icon.dataset.kind = kind;
    this.icon.textContent = kindLabels[kind];
    this.size.textContent = formatBytes(file.size);
    this.progress.setAttribute('aria-label', `Progress of ${this.label}`);
  }
}

export class UploadList {
  #uploader;
  #list;
  #template;
  #overall;
  #announcer;
  #clearButton;
  #pauseAllButton;
  #startButton;
  #finishedFile;
  #fallbackFocus;
  /** file → UploadRow, in the order the files were added */
  #rows = new Map();
  /** row element → UploadRow, for clicks */
  #rowOfElement = new WeakMap();
  #timer = null;
  /** True while Pause all / Resume all runs: one announcement for all the files. */
  #bulk = false;

  /**
   * @param {import('./hoist-dropzone.mjs').HoistDropzone} uploader
   * @param {object} elements
   */
  constructor(uploader, { list, template, overall, announcer, clearButton, pauseAllButton, startButton, finishedFile, fallbackFocus }) {
    this.#uploader = uploader;
    this.#list = list;
    this.#template = template;
    this.#overall = overall;
    this.#announcer = announcer;
    this.#clearButton = clearButton;
    this.#pauseAllButton = pauseAllButton;
    this.#startButton = startButton;
    this.#finishedFile = finishedFile ?? new FinishedFile(null);
    this.#fallbackFocus = fallbackFocus;

    uploader.on('addedfile', (file) => this.#add(file));
    uploader.on('processing', (file) => {
      // A file starts, or starts again after a pause: its speed is measured afresh.
      this.#rows.get(file)?.meter.reset();
      this.#render(file);
      this.#start();
    });
    for (const event of ['hoist:phase', 'hoist:retry', 'hoist:abortfailed']) uploader.on(event, (file) => this.#render(file));
    uploader.on('hoist:paused', (file) => this.#finish(file, this.#bulk ? null : `${file.name} paused.`));
    uploader.on('hoist:resumed', (file) => this.#finish(file, this.#bulk ? null : `${file.name} resumed.`));
    // Successes are summed up when the queue is done (#announceSummary); problems are told at once.
    uploader.on('success', (file) => this.#finish(file, null));
    // Dropzone also says 'error' when an image preview cannot be made: only a failed file is told.
    uploader.on('error', (file) => statusOf(file) === 'failed' && this.#finish(file, `${relativePathOf(file)} failed: ${this.#reason(file)}`));
    uploader.on('thumbnail', (file, dataUrl) => {
      const row = this.#rows.get(file);
      if (!row || typeof dataUrl !== 'string') return;
      row.thumbnail.src = dataUrl;
      row.thumbnail.hidden = false;
      row.icon.hidden = true;
    });
    uploader.on('canceled', (file) => this.#finish(file, `${file.name} canceled.`));
    uploader.on('removedfile', (file) => this.#remove(file));
    uploader.on('queuecomplete', () => this.#announceSummary());

    list.addEventListener('click', async (event) => {
      const button = event.target.closest('button');
      const row = this.#rowOfElement.get(button?.closest('.upload'));
      if (!row) return;
      if (button === row.toggle) this.#toggle(row);
      else if (button === row.action) this.#act(row);
      else if (await this.#finishedFile.click(button, row, row.file, row.label)) this.#render(row.file);
    });
    startButton.addEventListener('click', () => {
      const count = uploader.startAll();
      if (count) this.#announce(`${count} ${count === 1 ? 'upload' : 'uploads'} started.`);
      this.#renderOverall();
      this.#start();
    });
    clearButton.addEventListener('click', () => this.#clearFinished());
    pauseAllButton.addEventListener('click', () => this.#pauseOrResumeAll());
  }

  #add(file) {
    const row = new UploadRow(file, this.#template);
    this.#rows.set(file, row);
    this.#rowOfElement.set(row.element, row);
    this.#list.append(row.element);
    this.#render(file);
    this.#start();
  }

  #remove(file) {
    const row = this.#rows.get(file);
    if (!row) return;
    this.#rows.delete(file);
    row.element.remove();
    this.#renderOverall();
  }

  #act(row) {
    const { file } = row;
    if (terminal.has(statusOf(file)) || statusOf(file) === 'ready') {
      const rows = [...this.#rows.values()];
      const next = rows[rows.indexOf(row) + 1] ?? rows[rows.indexOf(row) - 1];
      this.#uploader.forget(file);
      (next?.action ?? this.#fallbackFocus).focus();
    } else {
      this.#uploader.cancel(file);
    }
  }

  #toggle({ file }) {
    if (this.#uploader.isRetryable(file)) this.#uploader.retry(file);
    else if (this.#uploader.isPaused(file)) this.#uploader.resume(file);
    else this.#uploader.pause(file);
    this.#start();
  }

  #pauseOrResumeAll() {
    const pausing = this.#pauseAllButton.dataset.action === 'pause';
    this.#bulk = true;
    let count;
    try {
      count = pausing ? this.#uploader.pauseAll() : this.#uploader.resumeAll();
    } finally {
      this.#bulk = false;
    }
    if (count) this.#announce(`${count} ${count === 1 ? 'upload' : 'uploads'} ${pausing ? 'paused' : 'resumed'}.`);
    this.#renderOverall();
    this.#start();
  }

  #clearFinished() {
    for (const file of [...this.#rows.keys()]) {
      if (terminal.has(statusOf(file))) this.#uploader.forget(file);
    }
    // The button hides itself once nothing is left to clear: keep the keyboard user's place.
    if (this.#clearButton.hidden) this.#fallbackFocus.focus();
  }

  #finish(file, message) {
    this.#render(file);
    if (message) this.#announce(message);
  }

  #reason(file) {
    return file.hoist?.error ?? 'The upload failed.';
  }

  #stateText(file, status, { done, stored, total }) {
    const state = file.hoist;
    const phase = state?.phase;
    const bytes = `${formatBytes(done)} of ${formatBytes(total)}`;
    switch (status) {
      case 'ready':
        return 'Ready to upload';
      case 'queued':
        return phase === 'creating' ? 'Preparing…' : 'Waiting…';
      case 'paused':
        // What is safe on the server, not what was on its way when the pause came.
        return stored > 0 ? `Paused · ${formatBytes(stored)} of ${formatBytes(total)} stored` : 'Paused';
      case 'waiting': {
        const { partNumber, until, status: failed } = state.retrying;
        const seconds = Math.max(0, Math.ceil((until - Date.now()) / 1000));
        const next = seconds ? ` · next try in ${formatDuration(seconds)}` : '';
        // What is safe on the server: nothing moves while the connection is away.
        if (isUnreachable(failed)) return `Waiting for the connection… · ${formatBytes(stored)} of ${formatBytes(total)} stored${next}`;
        return `${bytes} · part ${partNumber} failed, trying again${seconds ? ` in ${formatDuration(seconds)}` : ''}`;
      }
      case 'uploading':
        if (phase === 'checking') return 'Checking what the server already has…';
        if (phase === 'completing') return 'Finishing…';
        return bytes;
      case 'complete':
        return state?.verified ? 'Uploaded and verified' : 'Uploaded';
      case 'deleted':
        return 'Uploaded, then deleted';
      case 'failed':
        return this.#reason(file);
      default:
        return state?.error ? `Canceled here, but the server could not abort the upload: ${state.error}` : 'Canceled';
    }
  }

  #noteText(file, status) {
    const state = file.hoist;
    if (!state || status === 'canceled') return '';
    if (state.resumedPercent !== null) {
      return status === 'complete' ? `Resumed: ${state.resumedPercent}% was already stored` : `Resuming: ${state.resumedPercent}% already stored`;
    }
    return state.note ?? '';
  }

  #render(file, { overall = true } = {}) {
    const row = this.#rows.get(file);
    if (!row) return;
    const status = statusOf(file);
    const state = file.hoist;
    row.element.dataset.status = status;
    const progress = this.#uploader.progressOf(file);
    const { done, sent, total } = progress;
    row.progress.value = percent(done, total, status);
    row.state.textContent = this.#stateText(file, status, progress);
    const note = this.#noteText(file, status);
    row.note.textContent = note;
    row.note.hidden = !note;

    // The speed measures what this visit sends, never what was stored before it.
    row.rate = null;
    if (status === 'uploading' && state?.phase === 'sending') {
      row.meter.add(sent);
      row.rate = row.meter.rate;
    }
    const left = row.rate ? (total - done) / row.rate : null;
    row.speed.textContent = row.rate === null ? '' : formatRate(row.rate);
    row.eta.textContent = left === null ? '' : `${formatDuration(left)} left`;

    this.#finishedFile.render(row, file, status, row.label);
    const finished = terminal.has(status);
    let toggle = null;
    if (this.#uploader.isRetryable(file)) toggle = 'Retry';
    else if (this.#uploader.isPaused(file)) toggle = 'Resume';
    else if (!finished && status !== 'ready') toggle = 'Pause';
    row.toggle.hidden = toggle === null;
    if (toggle) {
      row.toggle.textContent = toggle;
      row.toggle.setAttribute('aria-label', `${toggle} upload of ${row.label}`);
      row.toggle.disabled = toggle === 'Pause' && !this.#uploader.isPausable(file);
    }
    const action = finished ? 'Dismiss' : status === 'ready' ? 'Remove' : 'Cancel';
    row.action.textContent = action;
    row.action.setAttribute('aria-label', `${action === 'Dismiss' ? 'Dismiss' : `${action} upload of`} ${row.label}`);
    row.action.disabled = action === 'Cancel' && !this.#uploader.isCancelable(file);
    if (overall) this.#renderOverall();
  }

  #count() {
    const counted = { complete: 0, deleted: 0, failed: 0, canceled: 0, paused: 0, uploading: 0, waiting: 0, queued: 0, ready: 0 };
    for (const file of this.#rows.keys()) counted[statusOf(file)]++;
    return counted;
  }

  #renderOverall() {
    const { container, text, progress } = this.#overall;
    const files = [...this.#rows.keys()];
    container.hidden = files.length === 0;
    const counted = this.#count();
    // The rows' own figures, summed: the overall line never tells another story than the rows.
    let done = 0;
    let total = 0;
    let rate = null;
    for (const file of files) {
      const status = statusOf(file);
      if (status === 'failed' || status === 'canceled') continue;
      const p = this.#uploader.progressOf(file);
      done += p.done;
      total += p.total;
      const rowRate = this.#rows.get(file).rate;
      if (rowRate) rate = (rate ?? 0) + rowRate;
    }
    const ready = counted.ready;
    this.#startButton.hidden = ready === 0;
    this.#startButton.textContent = `Upload ${ready} ${ready === 1 ? 'file' : 'files'}`;
    counted.complete += counted.deleted;
    const active = files.length - counted.complete - counted.failed - counted.canceled;
    this.#clearButton.hidden = active === files.length;
    const pausable = files.some((file) => this.#uploader.isPausable(file));
    this.#pauseAllButton.hidden = !pausable && !counted.paused;
    this.#pauseAllButton.dataset.action = pausable ? 'pause' : 'resume';
    this.#pauseAllButton.textContent = pausable ? 'Pause all' : 'Resume all';
    progress.value = active ? percent(done, total) : counted.complete ? 100 : 0;
    container.dataset.state = active ? (counted.paused === active ? 'paused' : 'active') : counted.failed ? 'failed' : 'done';

    if (active) {
      const left = rate ? (total - done) / rate : null;
      const considered = files.length - counted.failed - counted.canceled;
      const pieces = [
        `${counted.complete} of ${considered} ${considered === 1 ? 'file' : 'files'} uploaded`,
        `${formatBytes(done)} of ${formatBytes(total)}`,
      ];
      if (counted.paused) pieces.push(`${counted.paused} paused`);
      if (counted.waiting) pieces.push(`${counted.waiting} waiting for the connection`);
      if (rate !== null) pieces.push(formatRate(rate));
      if (left !== null) pieces.push(`${formatDuration(left)} left`);
      text.textContent = pieces.join(' · ');
    } else {
      text.textContent = this.#summary(counted);
    }
  }

  #summary({ complete, failed, canceled }) {
    const pieces = [];
    if (complete) pieces.push(`${complete} ${complete === 1 ? 'file' : 'files'} uploaded`);
    if (failed) pieces.push(`${failed} failed`);
    if (canceled) pieces.push(`${canceled} canceled`);
    return pieces.join(', ') || 'Nothing uploaded';
  }

  #announceSummary() {
    const counted = this.#count();
    // Dropzone's queue is empty, but paused files are not finished.
    if (counted.paused) return;
    const files = [...this.#rows.keys()];
    if (files.length === 1 && counted.complete === 1) this.#announce(`${files[0].name} uploaded.`);
    else if (files.length > 1) this.#announce(`All uploads finished: ${this.#summary(counted)}.`);
  }

  #announce(message) {
    // Each message is a new line in the live region, so messages close together are all read.
    const line = document.createElement('p');
    line.textContent = message;
    this.#announcer.append(line);
    while (this.#announcer.childElementCount > 5) this.#announcer.firstElementChild.remove();
  }

  /** Speed and time left change without events: redraw the active rows while anything runs. */
  #start() {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => {
      let moving = 0;
      for (const file of this.#rows.keys()) {
        const status = statusOf(file);
        if (terminal.has(status)) continue;
        if (status !== 'paused') moving++;
        this.#render(file, { overall: false });
      }
      this.#renderOverall();
      if (!moving) {
        clearInterval(this.#timer);
        this.#timer = null;
      }
    }, tickMs);
  }
}
