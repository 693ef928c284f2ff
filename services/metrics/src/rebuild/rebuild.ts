// Rebuilds every read model from the topics' beginning into a fresh schema and swaps it in atomically,
// while the live schema keeps serving queries and its consumers keep applying new events.
import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { Kafka } from 'kafkajs';
import { runMigrations, withTransaction } from '@hc/event-store';
import { ConsumerRunner, silentLogger, type Logger } from '@hc/messaging';
import { metricsConsumers } from '../consumers/metrics.consumers.js';
import type { MetricsConfig } from '../metrics.config.js';
import { analyticsViewsSql } from '../migrations/analytics.migrations.js';
import { LIVE_SCHEMA, readModelMigrations } from '../migrations/read-model.migrations.js';
import { MetricsProjection, type EventSource } from '../projections/metrics.projection.js';

export const REBUILD_SCHEMA = 'metrics_rebuild';
const RETIRED_SCHEMA = 'metrics_retired';
const REBUILD_LEDGER = `${REBUILD_SCHEMA}_migrations`;
const REBUILD_FETCH_WAIT_MS = 100;
const REBUILD_CHUNK_FACTOR = 5;
const REBUILD_FETCH_BYTES = 8 * 1024 * 1024;
const PROGRESS_POLL_MS = 100;

export interface RebuildOptions {
  logger?: Logger;
  /** How long the switch-over waits, holding the live consumers, for the rebuild to catch up with them. */
  catchUpTimeoutMs?: number;
  /** How long the rebuild may take to read the topics up to where they ended when it started. */
  readTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The end offset of every partition of the topics, now. */
async function endOffsets(
  kafka: Kafka,
  topics: string[],
): Promise<Map<string, { high: bigint; low: bigint }>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map<string, { high: bigint; low: bigint }>();
    for (const topic of topics) {
      for (const partition of await admin.fetchTopicOffsets(topic)) {
        ends.set(`${topic}:${partition.partition}`, {
          high: BigInt(partition.high),
          low: BigInt(partition.low),
        });
      }
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/** Resolves once each group has committed every partition of its topic up to `ends`. */
async function waitUntilRead(
  kafka: Kafka,
  groups: { groupId: string; topic: string }[],
  ends: Map<string, { high: bigint; low: bigint }>,
  timeoutMs: number,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      let behind = 0;
      for (const { groupId, topic } of groups) {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        for (const partition of committed?.partitions ?? []) {
          const end = ends.get(`${topic}:${partition.partition}`);
          if (!end || end.high === end.low) continue;
          if (BigInt(partition.offset) < end.high) behind += 1;
        }
      }
      if (behind === 0) return;
      if (performance.now() > deadline)
        throw new Error(`rebuild: ${behind} partitions not read in ${timeoutMs} ms`);
      await sleep(PROGRESS_POLL_MS);
    }
  } finally {
    await admin.disconnect();
  }
}

async function missingFromRebuild(client: PoolClient): Promise<number> {
  const { rows } = await client.query<{ missing: number }>(
    `SELECT count(*)::int AS missing FROM ${LIVE_SCHEMA}.applied_events live
     WHERE NOT EXISTS (SELECT 1 FROM ${REBUILD_SCHEMA}.applied_events rebuilt
                       WHERE rebuilt.source = live.source AND rebuilt.event_id = live.event_id)`,
  );
  return rows[0]?.missing ?? 0;
}

/**
 * 1. Creates `metrics_rebuild` with every read-model migration and consumes all topics from the
 *    beginning with fresh consumer groups into it, until the end offsets seen at the start.
 * 2. Switch-over, in one transaction: lock the live `applied_events` (the live consumers wait; queries
 *    go on), wait until the rebuild holds every event the live tables hold, rename `metrics` away and
 *    `metrics_rebuild` to `metrics`, drop the old tables and re-create the analytics views on the new
 *    ones. Waiting consumers then resolve `metrics.*` to the new tables, where `applied_events` skips
 *    what the rebuild already applied.
 */
export async function rebuildReadModels(
  pool: Pool,
  kafka: Kafka,
  config: MetricsConfig,
  options: RebuildOptions = {},
): Promise<void> {
  const logger = options.logger ?? silentLogger;
  await pool.query(`DROP SCHEMA IF EXISTS ${REBUILD_SCHEMA} CASCADE`);
  await pool.query(`DROP TABLE IF EXISTS ${REBUILD_LEDGER}`);
  await runMigrations(pool, REBUILD_LEDGER, readModelMigrations(REBUILD_SCHEMA));

  const run = randomUUID().slice(0, 8);
  const sources = Object.keys(config.topics) as EventSource[];
  const groups = Object.fromEntries(
    sources.map((source) => [source, `${config.consumerGroups[source]}.rebuild-${run}`]),
  ) as Record<EventSource, string>;
  const ends = await endOffsets(kafka, Object.values(config.topics));
  const specs = metricsConsumers(
    new MetricsProjection(REBUILD_SCHEMA, config.timeZone),
    config.topics,
    groups,
  );
  const runners = specs.map(
    (spec) =>
      new ConsumerRunner({
        kafka,
        pool,
        groupId: spec.groupId,
        topics: spec.topics,
        handler: spec.handler,
        // Catching up on a whole topic: bigger chunks fold more events into each aggregate row they upsert.
        chunkSize: spec.chunkSize === undefined ? undefined : spec.chunkSize * REBUILD_CHUNK_FACTOR,
        maxBytesPerPartition: REBUILD_FETCH_BYTES,
        partitionsConsumedConcurrently: spec.partitionsConsumedConcurrently,
        // Short-lived consumers: a short long-poll lets the switch-over stop them without waiting.
        maxWaitTimeInMs: REBUILD_FETCH_WAIT_MS,
        logger,
      }),
  );
  let stopped = false;
  const stopRunners = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(runners.map((runner) => runner.stop().catch(() => undefined)));
  };
  try {
    for (const runner of runners) {
      await runner.migrate();
      await runner.start();
    }
    logger.info({ groups }, 'rebuild: reading the topics from the beginning');
    await waitUntilRead(
      kafka,
      sources.map((source) => ({ groupId: groups[source], topic: config.topics[source] })),
      ends,
      options.readTimeoutMs ?? 600_000,
    );
    logger.info({}, 'rebuild: read up to where the topics ended at the start; switching over');
    await withTransaction(pool, async (client) => {
      // Durable whatever the pool's setting: once this commit is on disk, so is every rebuilt row before it.
      await client.query('SET LOCAL synchronous_commit = on');
      await client.query(`LOCK TABLE ${LIVE_SCHEMA}.applied_events IN EXCLUSIVE MODE`);
      const deadline = performance.now() + (options.catchUpTimeoutMs ?? 30_000);
      for (
        let missing = await missingFromRebuild(client);
        missing > 0;
        missing = await missingFromRebuild(client)
      ) {
        if (performance.now() > deadline)
          throw new Error(`rebuild: ${missing} live events not rebuilt in time`);
        await sleep(100);
      }
      await stopRunners();
      await client.query(`DROP SCHEMA IF EXISTS ${RETIRED_SCHEMA} CASCADE`);
      await client.query(`ALTER SCHEMA ${LIVE_SCHEMA} RENAME TO ${RETIRED_SCHEMA}`);
      await client.query(`ALTER SCHEMA ${REBUILD_SCHEMA} RENAME TO ${LIVE_SCHEMA}`);
      await client.query(`DROP SCHEMA ${RETIRED_SCHEMA} CASCADE`);
      await client.query(analyticsViewsSql(LIVE_SCHEMA));
      await client.query(`DROP TABLE ${REBUILD_LEDGER}`);
    });
    logger.info({}, 'rebuild: switched over to the rebuilt read models');
  } finally {
    await stopRunners();
  }
}
