// The upload page: wires the uploader, its rows and the list of stored files together.

import { HoistApi } from './api.mjs';
import { checksumsAvailable } from './checksum.mjs';
import { Connection } from './connection.mjs';
import { FileList } from './file-list.mjs';
import { HoistDropzone } from './hoist-dropzone.mjs';
import { pageSettings } from './page-settings.mjs';
import { backoff } from './retry-policy.mjs';
import { UploadList } from './upload-list.mjs';

const $ = (selector) => document.querySelector(selector);

const api = new HoistApi();
const zone = $('#dropzone');
const retryPolicy = backoff({ budgetMs: pageSettings.retryBudgetMs, connection: new Connection() });
const uploader = new HoistDropzone(zone, { api, retryPolicy });

new UploadList(uploader, {
  list: $('#uploads'),
  template: $('#upload-row'),
  overall: { container: $('#overall'), text: $('#overall-text'), progress: $('#overall-progress') },
  announcer: $('#announcer'),
  clearButton: $('#clear-finished'),
  pauseAllButton: $('#pause-all'),
  fallbackFocus: $('#choose-files'),
});

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
