import type { Migration } from '@hc/event-store';

export const messagingMigrations: readonly Migration[] = [
  {
    id: '202611270001_messaging',
    sql: `
-- A message id recorded here, in the transaction that applied it, is never applied again.
CREATE TABLE processed_messages (
  consumer text NOT NULL,
  message_id text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (consumer, message_id)
);

-- One row per message sent to a dead-letter topic: the exact count, whatever redelivery happened.
CREATE TABLE dead_letters (
  consumer text NOT NULL,
  topic text NOT NULL,
  partition integer NOT NULL,
  kafka_offset bigint NOT NULL,
  reason text NOT NULL,
  detail text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (consumer, topic, partition, kafka_offset)
);

CREATE TABLE relay_checkpoints (
  relay text PRIMARY KEY,
  transaction_id xid8 NOT NULL,
  global_position bigint NOT NULL,
  published bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
`,
  },
];
