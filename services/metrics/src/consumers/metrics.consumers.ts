// The three Kafka consumers of the metrics service: CRM, circles and ideas events into one schema's read models.
import {
  decodeCirclesEvent,
  decodeCrmEvent,
  decodeIdeasEvent,
  type CrmEvent,
  type EventEnvelope,
  type PlainObject,
} from '@hc/contracts';
import { runInMessageContext, type MessageHandler } from '@hc/messaging';
import type { ConsumerSpec } from '@hc/service-kit';
import type { EventSource, MetricsProjection } from '../projections/metrics.projection.js';

export const CRM_CHUNK_SIZE = 2_000;
export const CRM_PARTITIONS_AT_ONCE = 3;

export function crmHandler(projection: MetricsProjection): MessageHandler<CrmEvent> {
  return {
    decode: decodeCrmEvent,
    messageIdOf: (event) => event.eventId,
    // `applied_events` is the record of what was applied: the runner keeps none of its own.
    claim: (client, messages) => projection.claim(client, 'crm', messages, (message) => message.value),
    // A chunk is applied set-wise for throughput.
    apply: (client, messages) =>
      projection.applyClaimedCrm(
        client,
        messages.map((message) => message.value),
      ),
    // CRM events carry no trace context worth a span each.
    spanPerMessage: false,
  };
}

function domainHandler(
  decode: MessageHandler<EventEnvelope<string, PlainObject>>['decode'],
  source: Exclude<EventSource, 'crm'>,
  projection: MetricsProjection,
): MessageHandler<EventEnvelope<string, PlainObject>> {
  return {
    decode,
    messageIdOf: (event) => event.eventId,
    // `applied_events` is the record of what was applied: the runner keeps none of its own.
    claim: (client, messages) => projection.claim(client, source, messages, (message) => message.value),
    apply: (client, messages) =>
      projection.applyClaimedDomainEvents(
        client,
        source,
        messages,
        (message) => message.value,
        (message, apply) => runInMessageContext(message, apply),
      ),
  };
}

/** The consumer groups of one projection: the live groups, or a rebuild's fresh ones. */
export function metricsConsumers(
  projection: MetricsProjection,
  topics: Record<EventSource, string>,
  groups: Record<EventSource, string>,
): ConsumerSpec[] {
  return [
    // A CRM chunk costs a few statements whatever its size, so larger chunks mean fewer commits per event.
    {
      groupId: groups.crm,
      topics: [topics.crm],
      handler: crmHandler(projection),
      chunkSize: CRM_CHUNK_SIZE,
      // CRM figures are sums, free of order across partitions: while one partition's chunk waits on
      // PostgreSQL, another's is decoded.
      partitionsConsumedConcurrently: CRM_PARTITIONS_AT_ONCE,
    },
    {
      groupId: groups.circles,
      topics: [topics.circles],
      handler: domainHandler(decodeCirclesEvent, 'circles', projection),
    },
    {
      groupId: groups.ideas,
      topics: [topics.ideas],
      handler: domainHandler(decodeIdeasEvent, 'ideas', projection),
    },
  ];
}
