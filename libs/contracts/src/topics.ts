// Kafka topic names and the headers a dead-lettered message carries.
export const TOPICS = {
  crm: 'crm.events.v1',
  circles: 'circles.events.v1',
  ideas: 'ideas.events.v1',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export function deadLetterTopic<T extends string>(topic: T): `${T}.dlq` {
  return `${topic}.dlq`;
}

/** Headers on a dead-lettered message; its key and value are the original bytes. */
export const DLQ_HEADERS = {
  /** A DeadLetterReason. */
  reason: 'x-dlq-reason',
  /** Human-readable, naming the offending field(s). */
  detail: 'x-dlq-detail',
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
  consumerGroup: 'x-consumer-group',
  /** ISO-8601 UTC time of the failure. */
  failedAt: 'x-failed-at',
} as const;

export type DlqHeaderName = (typeof DLQ_HEADERS)[keyof typeof DLQ_HEADERS];
