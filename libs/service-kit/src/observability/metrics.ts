// The process's Prometheus registry: default process metrics and the project's instruments, prefix `hc_`.
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { MessagingMetrics } from '@hc/messaging';

export const METRICS_PREFIX = 'hc_';

export type GraphQLOutcome = 'ok' | 'error';

/** Seconds; GraphQL operations and appends mostly take milliseconds, a few a second or more. */
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Latency of GraphQL operations. `operation` is the first root field, which the schema bounds (a
 * client's operation name is not: it would let any caller grow the series without limit).
 */
export function graphqlDurationHistogram(registry: Registry): Histogram<'operation' | 'type' | 'outcome'> {
  return new Histogram({
    name: `${METRICS_PREFIX}graphql_request_duration_seconds`,
    help: 'GraphQL operation latency by first root field, operation type and outcome',
    labelNames: ['operation', 'type', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
}

/** A registry with the process's default metrics (CPU, memory, event loop, GC). */
export function createRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: METRICS_PREFIX });
  return registry;
}

/** Everything a service exposes on `/metrics`. */
export class ServiceMetrics {
  readonly registry: Registry;
  readonly messaging: MessagingMetrics;
  readonly graphqlDuration: Histogram<'operation' | 'type' | 'outcome'>;
  readonly appendDuration: Histogram<'outcome'>;

  constructor(service: string) {
    this.registry = createRegistry(service);
    this.messaging = new MessagingMetrics(this.registry, METRICS_PREFIX);
    this.graphqlDuration = graphqlDurationHistogram(this.registry);
    this.appendDuration = new Histogram({
      name: `${METRICS_PREFIX}event_append_duration_seconds`,
      help: 'Time to append a command’s events to the event store, by outcome',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
  }
}
