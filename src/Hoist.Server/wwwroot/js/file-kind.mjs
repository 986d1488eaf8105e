// What a file is, for its icon and its name in the rows: its kind from the media type or the
// extension, and the path it is sent under (a folder's files keep their relative path).

const byExtension = {
  archive: ['zip', 'tar', 'gz', 'tgz', 'bz2', 'xz', '7z', 'rar', 'zst'],
  pdf: ['pdf'],
  text: ['txt', 'md', 'csv', 'json', 'xml', 'log', 'yaml', 'yml'],
};

/** 'image' | 'video' | 'audio' | 'pdf' | 'archive' | 'text' | 'file' */
export function kindOf(file) {
  const type = file.type ?? '';
  for (const kind of ['image', 'video', 'audio']) if (type.startsWith(`${kind}/`)) return kind;
  if (type === 'application/pdf') return 'pdf';
  const extension = (file.name ?? '').split('.').pop().toLowerCase();
  for (const [kind, extensions] of Object.entries(byExtension)) if (extensions.includes(extension)) return kind;
  return type.startsWith('text/') ? 'text' : 'file';
}

/** The short label an icon shows for a kind. */
export const kindLabels = Object.freeze({ image: 'IMG', video: 'VID', audio: 'AUD', pdf: 'PDF', archive: 'ZIP', text: 'TXT', file: 'FILE' });

/**
 * The name a file is uploaded as: its path inside a chosen folder (`webkitdirectory`) or a dropped
 * one (Dropzone's `fullPath`), e.g. "photos/2024/a.jpg"; else its name.
 */
export function relativePathOf(file) {
  const path = file.webkitRelativePath || file.fullPath || '';
  return path.replace(/^\/+/, '') || file.name;
}
