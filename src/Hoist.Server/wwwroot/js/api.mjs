// Hoist's native HTTP API (docs/api.md), as the page uses it. URLs are relative to the page, so the
// app also works behind a path prefix. Errors are ProblemDetails; ApiError carries them.

import { routes } from './wire.mjs';

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, 0 when the server could not be reached.
   * @param {{title?: string, detail?: string, code?: string}} [problem]
   * @param {string | null} [retryAfter] the answer's Retry-After header
   */
  constructor(status, problem = {}, retryAfter = null) {
    super(describeProblem(status, problem));
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code ?? null;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

/** A readable sentence for a failed request: the problem's detail, else its title, else the status. */
export function describeProblem(status, problem = {}) {
  if (status === 0) return 'The server could not be reached. Check the connection and try again.';
  const { title, detail } = problem;
  if (title && detail) return `${title} ${detail}`;
  return detail || title || `The server answered ${status}.`;
}

/** The problem of a finished XMLHttpRequest (Dropzone's part requests), or {} when it has none. */
export function problemOf(xhr) {
  const type = xhr.getResponseHeader('content-type') ?? '';
  if (!type.includes('json')) return {};
  try {
    const body = JSON.parse(xhr.responseText);
    return body && typeof body === 'object' ? body : {};
  } catch {
    return {};
  }
}

/** The path of a stored file: each key segment encoded, the slashes kept. */
export function filePath(key) {
  return `${routes.files}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

export class HoistApi {
  #base;

  constructor(base = document.baseURI) {
    this.#base = base;
  }

  url(path) {
    return new URL(path, this.#base).href;
  }

  /** POST /api/uploads → {uploadId, key, partSize, partCount, expiresAt, groupId, direct?}; with a groupId, a further file of that group (a folder). */
  createUpload({ fileName, size, contentType, checksumAlgorithm, groupId }) {
    return this.#send('POST', routes.uploads, { fileName, size, contentType, checksumAlgorithm, groupId });
  }

  partUrl(uploadId, partNumber) {
    return this.url(`${routes.uploads}/${encodeURIComponent(uploadId)}/parts/${partNumber}`);
  }

  /**
   * POST /api/uploads/{uploadId}/part-urls (direct mode): where to PUT parts straight to the store.
   * @param {{partNumber: number, contentMd5: string}[]} parts 1 to 100
   * @returns {Promise<{parts: {partNumber: number, url: string, headers: Record<string, string>}[], expiresAt: string}>}
   */
  partUrls(uploadId, parts, { signal } = {}) {
    return this.#send('POST', `${routes.uploads}/${encodeURIComponent(uploadId)}/part-urls`, { parts }, signal);
  }

  /** GET /api/uploads/{uploadId}/parts → {parts, partSize, partCount, size, direct?} */
  listParts(uploadId, { signal } = {}) {
    return this.#send('GET', `${routes.uploads}/${encodeURIComponent(uploadId)}/parts`, undefined, signal);
  }

  /** POST /api/uploads/{uploadId}/complete → {key, size, etag, checksumSha256?}; completing twice answers the same. */
  completeUpload(uploadId) {
    return this.#send('POST', `${routes.uploads}/${encodeURIComponent(uploadId)}/complete`);
  }

  /** DELETE /api/uploads/{uploadId}. An upload that is already gone counts as aborted. */
  async abortUpload(uploadId) {
    try {
      await this.#send('DELETE', `${routes.uploads}/${encodeURIComponent(uploadId)}`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
  }

  /** GET /api/files → {files: [{key, size, lastModified, etag}], nextContinuationToken?} */
  listFiles({ prefix, continuationToken } = {}) {
    const query = new URLSearchParams();
    if (prefix) query.set('prefix', prefix);
    if (continuationToken) query.set('continuationToken', continuationToken);
    const search = query.toString() ? `?${query}` : '';
    return this.#send('GET', `${routes.files}${search}`);
  }

  /** GET /api/limits → {maxFileSize, allowedContentTypes, allowedExtensions, partSize} */
  limits() {
    return this.#send('GET', routes.limits);
  }

  /** DELETE /api/files/{key}. */
  deleteFile(key) {
    return this.#send('DELETE', filePath(key));
  }

  /** POST /api/files/{key}/links → {url, expiresAt}: a URL that downloads the file without credentials until it expires. */
  createLink(key, expiresIn) {
    return this.#send('POST', `${filePath(key)}/links`, { expiresIn });
  }

  fileUrl(key) {
    return this.url(filePath(key));
  }

  async #send(method, path, body, signal) {
    const init = { method, headers: { Accept: 'application/json' }, cache: 'no-store', signal };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(this.url(path), init);
    } catch {
      if (signal?.aborted) throw signal.reason;
      throw new ApiError(0);
    }
    const text = await response.text();
    let json = null;
    if (text && (response.headers.get('content-type') ?? '').includes('json')) {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    if (!response.ok) throw new ApiError(response.status, json ?? {}, response.headers.get('retry-after'));
    return json;
  }
}
