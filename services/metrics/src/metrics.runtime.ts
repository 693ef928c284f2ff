// Builds the metrics service's runtime: no event store of its own, three consumers, read models in the `metrics` schema.
import { EventRegistry } from '@hc/contracts';
import { ServiceRuntime } from '@hc/service-kit';
import { metricsConsumers } from './consumers/metrics.consumers.js';
import type { MetricsConfig } from './metrics.config.js';
import { metricsMigrations } from './migrations/index.js';
import { LIVE_SCHEMA } from './migrations/read-model.migrations.js';
import { MetricsProjection, type EventSource } from './projections/metrics.projection.js';
import { MetricsReader } from './queries/metrics.reader.js';

export interface MetricsRuntime {
  config: MetricsConfig;
  runtime: ServiceRuntime;
  reader: MetricsReader;
  /** The consumer groups in the order of `runtime.consumerRunners`. */
  consumerGroups: string[];
}

export const METRICS_RUNTIME = Symbol('MetricsRuntime');

export function createMetricsRuntime(config: MetricsConfig): MetricsRuntime {
  const projection = new MetricsProjection(LIVE_SCHEMA, config.timeZone);
  const consumers = metricsConsumers(projection, config.topics, config.consumerGroups);
  const runtime = new ServiceRuntime({
    config,
    // Metrics owns no events: an empty registry, no eventTopic, no projections of its own store.
    registry: new EventRegistry(),
    topics: (Object.keys(config.topics) as EventSource[]).map((source) => ({ topic: config.topics[source] })),
    migrations: metricsMigrations,
    consumers: () => consumers,
  });
  return {
    config,
    runtime,
    reader: new MetricsReader(runtime.pool, LIVE_SCHEMA),
    consumerGroups: consumers.map((consumer) => consumer.groupId),
  };
}
