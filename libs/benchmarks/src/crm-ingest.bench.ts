// CRM ingest: events/s from the CRM topic into the metrics projections (the metrics service as a process),
// against a raw kafkajs consumer reading the same messages.
import { randomUUID } from 'node:crypto';
import { startTestStack } from '@hc/testing';
import { produceCrmEvents } from './crm-events.js';
import { groupConsumeRate, rawConsumeRate } from './kafka-progress.js';
import type { Row } from './stats.js';

export async function benchmarkCrmIngest(scale: number): Promise<Row[]> {
  const events = Math.round(200_000 * scale);
  const groupPrefix = `metrics.bench-${randomUUID().slice(0, 8)}`;
  const stack = await startTestStack({
    partitions: 6,
    gateway: false,
    env: { METRICS_GROUP_PREFIX: groupPrefix },
  });
  try {
    // Only the metrics projections are measured: circles (which also reads complaints) and ideas would
    // compete for the same two cores.
    await stack.stop('circles');
    await stack.stop('ideas');
    // The events wait on the topic while metrics is down, so it reads them at full speed, as after an outage.
    await stack.stop('metrics');
    await produceCrmEvents(stack.kafka, stack.topics.crm, events);

    const raw = await rawConsumeRate(stack.kafka, stack.topics.crm, events);
    const progress = groupConsumeRate(stack.kafka, `${groupPrefix}.crm`, stack.topics.crm, events, 600_000);
    await stack.start('metrics');
    const ours = await progress;
    return [
      {
        benchmark: `CRM ingest, ${events.toLocaleString('en')} events → metrics projections: events/s`,
        ours: ours.eventsPerSecond.toFixed(0),
        baseline: `${raw.eventsPerSecond.toFixed(0)} (raw kafkajs consume)`,
        ratio: `${((100 * ours.eventsPerSecond) / raw.eventsPerSecond).toFixed(0)}%`,
        target: '≥ 20,000 events/s, ≥ 40% of raw',
      },
    ];
  } finally {
    await stack.close();
  }
}
