// `npm run bench`: every benchmark with its baseline measured in the same run, printed as a table.
import { cpus, totalmem } from 'node:os';
import { benchmarkEventStore } from './event-store.bench.js';
import { printTable } from './stats.js';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const scale = Number(process.env.BENCH_SCALE ?? 1);

console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; scale ${scale}`,
);
printTable('Event store (PostgreSQL, same server, same run)', await benchmarkEventStore(serverUrl, scale));
