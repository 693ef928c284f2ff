// The metrics service's settings: the common ones plus the topics it consumes and its consumer groups.
import { TOPICS } from '@hc/contracts';
import { loadServiceConfig, type ServiceConfig } from '@hc/service-kit';
import { assertTimeZone } from './calendar.js';
import type { EventSource } from './projections/metrics.projection.js';

export const METRICS_SERVICE = 'metrics';
export const METRICS_DEFAULT_PORT = 4003;

export interface MetricsConfig extends ServiceConfig {
  /** The consumed topics; each has a `<topic>.dlq` for bad input. */
  topics: Record<EventSource, string>;
  /** One consumer group per topic. */
  consumerGroups: Record<EventSource, string>;
}

export function loadMetricsConfig(env: NodeJS.ProcessEnv = process.env): MetricsConfig {
  const config = loadServiceConfig(METRICS_SERVICE, METRICS_DEFAULT_PORT, env);
  assertTimeZone(config.timeZone);
  return {
    ...config,
    topics: {
      crm: env.CRM_TOPIC ?? TOPICS.crm,
      circles: env.CIRCLES_TOPIC ?? TOPICS.circles,
      ideas: env.IDEAS_TOPIC ?? TOPICS.ideas,
    },
    consumerGroups: groupsWithPrefix(env.METRICS_GROUP_PREFIX ?? 'metrics'),
  };
}

function groupsWithPrefix(prefix: string): Record<EventSource, string> {
  return { crm: `${prefix}.crm`, circles: `${prefix}.circles`, ideas: `${prefix}.ideas` };
}
