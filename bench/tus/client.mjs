// tus-js-client in Node, for bench/run.sh.
// Usage: node client.mjs <endpoint> <file> <chunk bytes | Infinity>
//        node client.mjs <endpoint> <folder> Infinity <concurrency>
// A folder uploads each of its files, <concurrency> at a time, each in one request
// (creation-with-upload: the POST that creates the upload carries its bytes).
// Prints one JSON line: the uploads' wall seconds, this process's CPU seconds during them and the
// number of HTTP requests it made.
import { Upload } from 'tus-js-client';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

const [endpoint, path, chunk = 'Infinity', concurrency = '1'] = process.argv.slice(2);
const folder = statSync(path).isDirectory();
const files = folder ? readdirSync(path).sort().map((name) => join(path, name)) : [path];
const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
const cpuBefore = process.cpuUsage();
const started = process.hrtime.bigint();

const upload = async (file) => {
  const size = statSync(file).size;
  const source = folder ? await readFile(file) : createReadStream(file);
  return new Promise((resolve, reject) => {
    const one = new Upload(source, {
      endpoint,
      uploadSize: size,
      chunkSize: chunk === 'Infinity' ? Infinity : Number(chunk),
      uploadDataDuringCreation: folder,
      retryDelays: null, // failures must be loud, not retried
      metadata: { filename: basename(file) },
      onAfterResponse: () => { requests += 1; },
      onError: reject,
      onSuccess: () => resolve(one.url),
    });
    one.start();
  });
};

let requests = 0;
let next = 0;
let url;
const lane = async () => {
  while (next < files.length) {
    url = await upload(files[next++]);
  }
};
await Promise.all(Array.from({ length: Math.max(1, Number(concurrency)) }, lane));

const wall = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
console.log(JSON.stringify({ bytes, files: files.length, wallSeconds: wall, cpuSeconds: (cpu.user + cpu.system) / 1e6, url, detail: `requests=${requests}` }));
