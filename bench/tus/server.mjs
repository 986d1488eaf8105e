// The peer proxy for bench/run.sh: @tus/server + @tus/s3-store on the same S3 server, with
// 8 MiB parts like every configuration of the benchmark. Usage: node server.mjs <port> <key prefix>
// The S3 store comes from the same Hoist__Storage__S3__* variables as the Hoist server.
import { Server } from '@tus/server';
import { S3Store } from '@tus/s3-store';
import { randomUUID } from 'node:crypto';

const [port, prefix = 'bench-tus-'] = process.argv.slice(2);
const env = (name) => process.env[`Hoist__Storage__S3__${name}`];

const store = new S3Store({
  partSize: 8 * 1024 * 1024,
  s3ClientConfig: {
    bucket: env('Bucket'),
    region: env('Region') || 'us-east-1',
    endpoint: env('ServiceUrl'),
    forcePathStyle: true,
    credentials: { accessKeyId: env('AccessKey'), secretAccessKey: env('SecretKey') },
    // Ceph 16 refuses the SDK's default flexible checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  },
});

const server = new Server({
  path: '/files',
  datastore: store,
  // tus ids are the S3 keys: a unique prefix per run lets the bench delete what it made.
  namingFunction: () => `${prefix}${randomUUID()}`,
});

server.listen({ host: '127.0.0.1', port: Number(port) }, () => console.log(`listening on ${port}`));
