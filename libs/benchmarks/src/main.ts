// `npm run bench [-- name ...]`: the benchmarks with their baselines measured in the same run, one table.
import { cpus, totalmem } from 'node:os';
import { benchmarkCommandPath } from './command-path.bench.js';
import { benchmarkCrmIngest } from './crm-ingest.bench.js';
import { benchmarkEventStore } from './event-store.bench.js';
import { benchmarkLag } from './lag.bench.js';
import { benchmarkRebuild } from './rebuild.bench.js';
import { printTable, type Row } from './stats.js';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const scale = Number(process.env.BENCH_SCALE ?? 1);

const BENCHMARKS: Record<string, { title: string; run: () => Promise<Row[]> }> = {
  'event-store': {
    title: 'Event store (PostgreSQL, same server; baseline Emmett)',
    run: () => benchmarkEventStore(serverUrl, scale),
  },
  'crm-ingest': { title: 'CRM ingest (baseline raw kafkajs)', run: () => benchmarkCrmIngest(scale) },
  'command-path': {
    title: 'Command path (baseline direct to the subgraph)',
    run: () => benchmarkCommandPath(scale),
  },
  'e2e-lag': {
    title: 'End-to-end lag (baseline Kafka produce → consume)',
    run: () => benchmarkLag(scale),
  },
  rebuild: { title: 'Rebuild (baseline raw kafkajs)', run: () => benchmarkRebuild(scale) },
};

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
const selected = requested.length > 0 ? requested : Object.keys(BENCHMARKS);

console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; scale ${scale}`,
);
const all: Row[] = [];
let failed = false;
for (const name of selected) {
  const benchmark = BENCHMARKS[name]!;
  const started = performance.now();
  try {
    const rows = await benchmark.run();
    printTable(`${benchmark.title} — ${((performance.now() - started) / 1000).toFixed(0)} s`, rows);
    all.push(...rows);
  } catch (error) {
    // One broken benchmark should not hide the figures of the others.
    failed = true;
    console.error(`${name} failed:`, error);
  }
}
if (selected.length > 1) printTable('All benchmarks', all);
if (failed) process.exitCode = 1;
