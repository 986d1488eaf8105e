// The page's SHA-256 of a part, off the main thread (checksum.mjs starts this worker). Measured with
// `bash bench/run.sh --page`: WebCrypto's digest of an 8 MiB part held Chromium's main thread for
// about 20 ms, which the page's own requests and progress then waited behind.
//
// Message in: {id, blob}; out: {id, digest} (an ArrayBuffer) or {id, error} (the read failed).

globalThis.onmessage = async ({ data: { id, blob } }) => {
  try {
    const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
    globalThis.postMessage({ id, digest }, [digest]);
  } catch (error) {
    globalThis.postMessage({ id, error: error.message });
  }
};
