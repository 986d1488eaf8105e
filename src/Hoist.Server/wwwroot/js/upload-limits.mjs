// The server's upload limits (GET /api/limits), shown beside the drop zone and checked before a
// file is sent, so a file beyond them is refused at once, with the reason, and nothing is created.
// The server checks them all the same; when the limits cannot be read, it alone decides.

import { formatBytes } from './format.mjs';

const exactBytes = new Intl.NumberFormat('en-US');

function mediaTypeMatches(allowed, type) {
  const [kind, sub] = allowed.toLowerCase().split('/');
  const [fileKind, fileSub] = (type || 'application/octet-stream').toLowerCase().split(';')[0].trim().split('/');
  return kind === fileKind && (sub === '*' || sub === fileSub);
}

export class UploadLimits {
  /** {maxFileSize, allowedContentTypes, allowedExtensions, partSize}, or null until read (or unreadable). */
  limits = null;
  /** Settles once the limits were asked for, read or not. */
  ready;

  /** @param {import('./api.mjs').HoistApi} api */
  constructor(api) {
    this.ready = api.limits().then(
      (limits) => {
        this.limits = limits;
      },
      () => {
        this.limits = null;
      },
    );
  }

  /** One line for people: "Up to 64 MiB per file · any type" or "… · .png, .jpg only". */
  describe() {
    if (!this.limits) return '';
    const { maxFileSize, allowedContentTypes = [], allowedExtensions = [] } = this.limits;
    const types = [...allowedContentTypes, ...allowedExtensions];
    return `Up to ${formatBytes(maxFileSize)} per file · ${types.length ? `${types.join(', ')} only` : 'any type'}`;
  }

  /** Why the server would refuse the file, or null when it is within the limits. */
  refusal(file) {
    if (!this.limits) return null;
    const { maxFileSize, allowedContentTypes = [], allowedExtensions = [] } = this.limits;
    if (file.size > maxFileSize) {
      return `The file is too large: ${formatBytes(file.size)}. The limit is ${formatBytes(maxFileSize)} (${exactBytes.format(maxFileSize)} bytes).`;
    }
    if (allowedContentTypes.length && !allowedContentTypes.some((allowed) => mediaTypeMatches(allowed, file.type))) {
      return `This type of file is not accepted (${file.type || 'unknown type'}). Accepted: ${allowedContentTypes.join(', ')}.`;
    }
    const dot = file.name.lastIndexOf('.');
    const extension = dot > 0 ? file.name.slice(dot).toLowerCase() : '';
    if (allowedExtensions.length && !allowedExtensions.some((allowed) => `.${allowed.replace(/^\./, '').toLowerCase()}` === extension)) {
      return `Files named ${extension ? `*${extension}` : 'without an extension'} are not accepted. Accepted: ${allowedExtensions.join(', ')}.`;
    }
    return null;
  }
}
