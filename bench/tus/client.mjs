// tus-js-client in Node, for bench/run.sh. Usage: node client.mjs <endpoint> <file> <chunk bytes | Infinity>
// Prints one JSON line: the upload's wall seconds and this process's CPU seconds during it.
import { Upload } from 'tus-js-client';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';

const [endpoint, file, chunk = 'Infinity'] = process.argv.slice(2);
const size = statSync(file).size;
const cpuBefore = process.cpuUsage();
const started = process.hrtime.bigint();

const url = await new Promise((resolve, reject) => {
  const upload = new Upload(createReadStream(file), {
    endpoint,
    uploadSize: size,
    chunkSize: chunk === 'Infinity' ? Infinity : Number(chunk),
    retryDelays: null, // failures must be loud, not retried
    metadata: { filename: basename(file) },
    onError: reject,
    onSuccess: () => resolve(upload.url),
  });
  upload.start();
});

const wall = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
console.log(JSON.stringify({ bytes: size, wallSeconds: wall, cpuSeconds: (cpu.user + cpu.system) / 1e6, url }));
