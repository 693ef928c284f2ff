// Prometheus instruments of the outbox relay and the consumers, registered on the process's registry.
import { Counter, Gauge, type Registry } from 'prom-client';

export type ProcessedOutcome = 'applied' | 'duplicate' | 'dead_lettered';

/**
 * Counters and gauges of Kafka traffic. Labels are topics, groups, partitions and reasons only:
 * all bounded by configuration, never by message content.
 */
export class MessagingMetrics {
  readonly processed: Counter<'group' | 'topic' | 'outcome'>;
  readonly deadLetters: Counter<'group' | 'topic' | 'reason'>;
  readonly consumerLag: Gauge<'group' | 'topic' | 'partition'>;
  readonly published: Counter<'relay' | 'topic'>;
  readonly outboxBacklog: Gauge<'relay'>;
  private readonly backlogSources = new Map<string, () => Promise<number>>();

  constructor(registry: Registry, prefix = 'hc_') {
    const registers = [registry];
    this.processed = new Counter({
      name: `${prefix}messages_processed_total`,
      help: 'Kafka messages handled by a consumer group, by outcome',
      labelNames: ['group', 'topic', 'outcome'],
      registers,
    });
    this.deadLetters = new Counter({
      name: `${prefix}dead_letters_total`,
      help: 'Messages sent to a dead-letter topic, by source topic and reason',
      labelNames: ['group', 'topic', 'reason'],
      registers,
    });
    this.consumerLag = new Gauge({
      name: `${prefix}consumer_lag`,
      help: 'Messages behind the partition high watermark after the last committed batch',
      labelNames: ['group', 'topic', 'partition'],
      registers,
    });
    this.published = new Counter({
      name: `${prefix}outbox_published_total`,
      help: 'Events the outbox relay published and Kafka acknowledged',
      labelNames: ['relay', 'topic'],
      registers,
    });
    const sources = this.backlogSources;
    this.outboxBacklog = new Gauge({
      name: `${prefix}outbox_backlog`,
      help: 'Events in the event store not yet published by the relay',
      labelNames: ['relay'],
      registers,
      // Read at scrape time: a standby instance reports the active relay's backlog too.
      async collect() {
        await Promise.all(
          [...sources].map(async ([relay, read]) => {
            try {
              this.set({ relay }, await read());
            } catch {
              // A scrape while the database is away reports the last value rather than failing.
            }
          }),
        );
      },
    });
  }

  /** Registers how to count a relay's unpublished events. */
  trackOutbox(relay: string, backlog: () => Promise<number>): void {
    this.backlogSources.set(relay, backlog);
  }
}
