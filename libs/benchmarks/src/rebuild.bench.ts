// Rebuild: the metrics read models rebuilt from the topics by `services/metrics/dist/rebuild.js` (fresh
// consumer groups into a new schema, then the switch-over), against a raw kafkajs read of the same topic.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { repoRoot, startTestStack, testInfrastructure } from '@hc/testing';
import { produceCrmEvents } from './crm-events.js';
import { emmettRebuildRate } from './emmett-rebuild.js';
import { rawConsumeRate } from './kafka-progress.js';
import type { Row } from './stats.js';

/** The metrics CRM consumer's chunk: Emmett's projection gets batches of the same size. */
const CRM_CHUNK = 2_000;
const EMMETT_SAMPLE = 50_000;

interface RebuildTiming {
  /** From "reading the topics" to "switched over", as the rebuild logs them. */
  seconds: number;
  /** The whole process, start-up and migrations included. */
  wallSeconds: number;
}

function runRebuild(env: NodeJS.ProcessEnv): Promise<RebuildTiming> {
  const started = performance.now();
  const child = spawn(process.execPath, ['services/metrics/dist/rebuild.js'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let readingAt: number | undefined;
  let switchedAt: number | undefined;
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      if (line.includes('reading the topics from the beginning')) readingAt ??= performance.now();
      if (line.includes('switched over')) switchedAt ??= performance.now();
    });
  }
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const ended = performance.now();
      if (code !== 0 || readingAt === undefined || switchedAt === undefined) {
        reject(new Error(`rebuild exited with ${code}:\n${output.slice(-20).join('\n')}`));
        return;
      }
      resolve({ seconds: (switchedAt - readingAt) / 1000, wallSeconds: (ended - started) / 1000 });
    });
  });
}

export async function benchmarkRebuild(scale: number): Promise<Row[]> {
  const events = Math.round(1_000_000 * scale);
  const groupPrefix = `metrics.bench-${randomUUID().slice(0, 8)}`;
  const stack = await startTestStack({
    partitions: 6,
    gateway: false,
    env: { METRICS_GROUP_PREFIX: groupPrefix },
  });
  try {
    // The service has migrated its database; the rebuild is measured alone on the machine.
    await Promise.all([stack.stop('circles'), stack.stop('ideas'), stack.stop('metrics')]);
    await produceCrmEvents(stack.kafka, stack.topics.crm, events);
    const raw = await rawConsumeRate(stack.kafka, stack.topics.crm, events);
    const { kafkaBrokers, databaseUrl } = await testInfrastructure();
    const rebuild = await runRebuild({
      ...process.env,
      NODE_ENV: 'production',
      INTERNAL_IDENTITY_SECRET: stack.identitySecret,
      METRICS_DATABASE_URL: stack.databases.metrics.url,
      KAFKA_BROKERS: kafkaBrokers.join(','),
      CRM_TOPIC: stack.topics.crm,
      CIRCLES_TOPIC: stack.topics.circles,
      IDEAS_TOPIC: stack.topics.ideas,
      METRICS_GROUP_PREFIX: groupPrefix,
    });
    const rate = events / rebuild.seconds;
    // Emmett 0.42's projector hands its projection one event at a time, with a checkpoint per event: a
    // sample shows its steady rate, where the whole million would take most of an hour on this machine.
    const emmettEvents = Math.min(events, EMMETT_SAMPLE);
    const emmett = await emmettRebuildRate(databaseUrl, emmettEvents, CRM_CHUNK);
    return [
      {
        benchmark: `rebuild of the metrics read models from ${events.toLocaleString('en')} events: events/s`,
        ours: `${rate.toFixed(0)} (${rebuild.seconds.toFixed(1)} s; process ${rebuild.wallSeconds.toFixed(1)} s)`,
        baseline: `${raw.eventsPerSecond.toFixed(0)} (raw kafkajs consume)`,
        ratio: `${((100 * rate) / raw.eventsPerSecond).toFixed(0)}%`,
        target: '≥ 50,000 events/s',
      },
      {
        benchmark: `rebuild of the same CRM figures, Emmett peer on ${emmettEvents.toLocaleString('en')} of the events: events/s`,
        ours: rate.toFixed(0),
        baseline: `${emmett.toFixed(0)} (Emmett rebuildPostgreSQLProjections, batches of ${CRM_CHUNK})`,
        ratio: `${(rate / emmett).toFixed(2)}×`,
        target: '',
      },
    ];
  } finally {
    await stack.close();
  }
}
