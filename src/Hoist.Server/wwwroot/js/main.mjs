// The upload page: wires the uploader, its rows and the list of stored files together.

import { HoistApi } from './api.mjs';
import { checksumsAvailable } from './checksum.mjs';
import { Connection } from './connection.mjs';
import { FileHandles } from './file-handles.mjs';
import { FileList } from './file-list.mjs';
import { FinishedFile } from './finished-file.mjs';
import { HoistDropzone } from './hoist-dropzone.mjs';
import { pageSettings } from './page-settings.mjs';
import { backoff } from './retry-policy.mjs';
import { UnfinishedUploads } from './unfinished-uploads.mjs';
import { UploadLimits } from './upload-limits.mjs';
import { UploadList } from './upload-list.mjs';

const $ = (selector) => document.querySelector(selector);

const api = new HoistApi();
const zone = $('#dropzone');
const retryPolicy = backoff({ budgetMs: pageSettings.retryBudgetMs, connection: new Connection() });
const limits = new UploadLimits(api);
const uploader = new HoistDropzone(zone, { api, retryPolicy, limits, autoStart: pageSettings.autoStart });
limits.ready.then(() => {
  $('#limits').textContent = limits.describe();
  $('#limits').hidden = !limits.describe();
});

// A chosen folder: its files go up with their paths inside it (photos/2024/a.jpg).
$('#choose-folder').addEventListener('click', (event) => {
  event.stopPropagation(); // not Dropzone's file input as well
  $('#folder-input').click();
});
$('#folder-input').addEventListener('change', (event) => {
  uploader.startFolder(); // one group: the folder's files share one id in their keys
  for (const file of event.target.files) uploader.addFile(file);
  event.target.value = '';
});


new UploadList(uploader, {
  list: $('#uploads'),
  template: $('#upload-row'),
  overall: { container: $('#overall'), text: $('#overall-text'), progress: $('#overall-progress') },
  announcer: $('#announcer'),
  clearButton: $('#clear-finished'),
  pauseAllButton: $('#pause-all'),
  startButton: $('#start-uploads'),
  finishedFile: new FinishedFile(api, { onDeleted: () => files.scheduleRefresh() }),
  fallbackFocus: $('#choose-files'),
});

// Files chosen with the browser's file picker keep their handle: an unfinished one resumes with one click.
const handles = new FileHandles();
if (uploader.memory && handles.available) {
  $('#choose-files').addEventListener('click', async (event) => {
    event.stopPropagation(); // not Dropzone's own input as well
    let picked;
    try {
      picked = await window.showOpenFilePicker({ multiple: true });
    } catch {
      return; // the person closed the picker
    }
    for (const handle of picked) uploader.addFile(Object.assign(await handle.getFile(), { handle }));
  });
  uploader.on('hoist:phase', (file) => {
    if (!file.handle || !file.hoist?.fingerprint || file.handleKept) return;
    file.handleKept = true;
    handles.put(file.hoist.fingerprint, file.handle);
  });
  uploader.on('success', (file) => file.hoist?.fingerprint && handles.delete(file.hoist.fingerprint));
}
if (uploader.memory) {
  new UnfinishedUploads({ api, memory: uploader.memory, handles, uploader }, { section: $('#unfinished'), list: $('#unfinished-list'), template: $('#unfinished-row') });
}

const files = new FileList(api, {
  list: $('#files'),
  template: $('#stored-file'),
  empty: $('#files-empty'),
  status: $('#files-status'),
  refreshButton: $('#refresh-files'),
  moreButton: $('#more-files'),
});
uploader.on('success', () => files.scheduleRefresh());
files.refresh();

if (!checksumsAvailable) $('#checksum-notice').hidden = false;

// A file dropped beside the zone would make the browser open it and leave the page: take it instead.
const carriesFiles = (event) => event.dataTransfer?.types?.includes('Files');
window.addEventListener('dragover', (event) => {
  if (carriesFiles(event)) event.preventDefault();
});
window.addEventListener('drop', (event) => {
  if (!carriesFiles(event)) return;
  event.preventDefault();
  uploader.drop(event);
});

// Leaving the page stops the uploads: ask first.
window.addEventListener('beforeunload', (event) => {
  if (uploader.getActiveFiles().length || uploader.getAddedFiles().length) event.preventDefault();
});
