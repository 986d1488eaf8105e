// The wire names of Hoist's HTTP API the page uses: routes, the checksum header and the error codes.
// The same names as src/Hoist.Wire/HoistWire.cs, which the server and Hoist.Client compile; a test
// (Hoist.Server.Tests, WireNamesTests) keeps this copy in step. docs/api.md describes each code.

/** Relative to the page's own address, so the page works behind a path prefix too. */
export const routes = Object.freeze({
  uploads: 'api/uploads',
  files: 'api/files',
  healthz: 'healthz',
  readyz: 'readyz',
});

/** The base64 SHA-256 of a part's bytes, sent with the part. */
export const checksumHeader = 'x-hoist-checksum-sha256';

/** Every ProblemDetails `code` the API answers. */
export const codes = Object.freeze({
  malformedJson: 'malformed_json',
  bodyTooLarge: 'body_too_large',
  lengthRequired: 'length_required',
  requestTimeout: 'request_timeout',
  badRequest: 'bad_request',
  invalidFileName: 'invalid_file_name',
  invalidSize: 'invalid_size',
  fileTooLarge: 'file_too_large',
  invalidContentType: 'invalid_content_type',
  unsupportedChecksumAlgorithm: 'unsupported_checksum_algorithm',
  contentTypeNotAllowed: 'content_type_not_allowed',
  extensionNotAllowed: 'extension_not_allowed',
  tooManyUploads: 'too_many_uploads',
  rejectedByHook: 'rejected_by_hook',
  hookUnavailable: 'hook_unavailable',
  uploadIdMalformed: 'upload_id_malformed',
  uploadIdUnsupported: 'upload_id_unsupported',
  uploadIdForged: 'upload_id_forged',
  uploadExpired: 'upload_expired',
  uploadNotFound: 'upload_not_found',
  uploadCompleted: 'upload_completed',
  invalidPartNumber: 'invalid_part_number',
  partSizeMismatch: 'part_size_mismatch',
  invalidChecksum: 'invalid_checksum',
  checksumRequired: 'checksum_required',
  checksumMismatch: 'checksum_mismatch',
  incompleteBody: 'incomplete_body',
  incompleteUpload: 'incomplete_upload',
  invalidPart: 'invalid_part',
  invalidPartOrder: 'invalid_part_order',
  partTooSmall: 'part_too_small',
  partTooLarge: 'part_too_large',
  tooManyPartsInFlight: 'too_many_parts_in_flight',
  serverBusy: 'server_busy',
  fileNotFound: 'file_not_found',
  rangeNotSatisfiable: 'range_not_satisfiable',
  invalidKey: 'invalid_key',
  invalidArgument: 'invalid_argument',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  rateLimited: 'rate_limited',
  storeUnavailable: 'store_unavailable',
  storeMisconfigured: 'store_misconfigured',
  insufficientStorage: 'insufficient_storage',
  quotaExceeded: 'quota_exceeded',
  storeError: 'store_error',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  unsupportedMediaType: 'unsupported_media_type',
  error: 'error',
});
