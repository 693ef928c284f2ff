// Event store appends: ours against Emmett's PostgreSQL event store on the same server, same workload.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { PostgresEventStore, type NewEvent } from '@hc/event-store';
import { percentile, type Row } from './stats.js';

const WRITERS = 16;
const ROUNDS = 4;

interface Round {
  latencies: number[];
  seconds: number;
  events: number;
}

interface Measurement {
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

type Append = (streamId: string, events: number, expectedVersion: number) => Promise<void>;

async function measure(append: Append, appendsPerWriter: number, eventsPerAppend: number): Promise<Round> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      const streamId = `bench-${randomUUID()}`;
      for (let n = 0; n < appendsPerWriter; n++) {
        const before = performance.now();
        await append(streamId, eventsPerAppend, n * eventsPerAppend);
        latencies.push(performance.now() - before);
      }
    }),
  );
  return {
    latencies,
    seconds: (performance.now() - started) / 1000,
    events: WRITERS * appendsPerWriter * eventsPerAppend,
  };
}

function summary(rounds: Round[]): Measurement {
  const latencies = rounds.flatMap((round) => round.latencies);
  const events = rounds.reduce((sum, round) => sum + round.events, 0);
  const seconds = rounds.reduce((sum, round) => sum + round.seconds, 0);
  return {
    eventsPerSecond: events / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/**
 * Both stores in alternating rounds, each going first in every other round: a pause of the shared machine
 * (they are measured a second at a time) then falls on both rather than on whichever ran during it.
 */
async function compare(ours: Append, emmett: Append, appendsPerWriter: number, eventsPerAppend: number) {
  const oursRounds: Round[] = [];
  const emmettRounds: Round[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ([ours, emmett] as const) : ([emmett, ours] as const);
    for (const append of order) {
      const result = await measure(append, appendsPerWriter, eventsPerAppend);
      (append === ours ? oursRounds : emmettRounds).push(result);
    }
  }
  return { ours: summary(oursRounds), emmett: summary(emmettRounds) };
}

function payload(n: number) {
  return {
    situationId: randomUUID(),
    text: `Клиент ждал ответа ${n} дня, оператор не перезвонил`,
    number: n,
  };
}

async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function benchmarkEventStore(serverUrl: string, scale = 1): Promise<Row[]> {
  const oursUrl = await createDatabase(serverUrl, 'hc_bench_ours');
  const emmettUrl = await createDatabase(serverUrl, 'hc_bench_emmett');
  const pool = new pg.Pool({ connectionString: oursUrl, max: WRITERS });
  const ours = new PostgresEventStore(pool);
  await ours.migrate();
  const emmett = getPostgreSQLEventStore(emmettUrl);

  const oursAppend: Append = async (streamId, count, expectedVersion) => {
    const events: NewEvent[] = Array.from({ length: count }, (_, i) => ({
      type: 'IdeaProposed',
      schemaVersion: 1,
      payload: payload(i),
      occurredAt: new Date(),
      correlationId: streamId,
    }));
    await ours.appendToStream(streamId, events, { expectedVersion });
  };
  const emmettAppend: Append = async (streamId, count, expectedVersion) => {
    const events = Array.from({ length: count }, (_, i) => ({ type: 'IdeaProposed', data: payload(i) }));
    await emmett.appendToStream(streamId, events, {
      expectedStreamVersion: expectedVersion === 0 ? 'STREAM_DOES_NOT_EXIST' : BigInt(expectedVersion),
    });
  };

  // Warm both (schema creation, connection pools, JIT) before measuring.
  await measure(oursAppend, 5, 1);
  await measure(emmettAppend, 5, 1);

  // Per writer and round.
  const single = Math.max(1, Math.round(100 * scale));
  const batches = Math.max(1, Math.round(10 * scale));
  const rows: Row[] = [];
  for (const [label, appends, perAppend, target] of [
    [`appends, 1 event/tx, ${WRITERS} writers`, single, 1, '≥ 2,000 events/s, ≥ 1.0×'],
    [`appends, 100 events/tx, ${WRITERS} writers`, batches, 100, '≥ 20,000 events/s, ≥ 1.0×'],
  ] as const) {
    const { ours: oursResult, emmett: emmettResult } = await compare(
      oursAppend,
      emmettAppend,
      appends,
      perAppend,
    );
    rows.push({
      benchmark: `${label}: events/s`,
      ours: oursResult.eventsPerSecond.toFixed(0),
      baseline: `${emmettResult.eventsPerSecond.toFixed(0)} (Emmett)`,
      ratio: `${(oursResult.eventsPerSecond / emmettResult.eventsPerSecond).toFixed(2)}×`,
      target,
    });
    rows.push({
      benchmark: `${label}: p50 / p99 ms`,
      ours: `${oursResult.p50Ms.toFixed(1)} / ${oursResult.p99Ms.toFixed(1)}`,
      baseline: `${emmettResult.p50Ms.toFixed(1)} / ${emmettResult.p99Ms.toFixed(1)}`,
      ratio: `${(emmettResult.p99Ms / oursResult.p99Ms).toFixed(2)}× (p99, higher is better)`,
      target: '',
    });
  }
  await pool.end();
  await emmett.close();
  return rows;
}
