// CRM events as the CRM publishes them (shared contract, version 1), and a fast way to put many on a topic.
import { randomUUID } from 'node:crypto';
import {
  CRM_CHANNELS,
  CRM_COMPLAINT_CATEGORIES,
  CRM_SCHEMA_VERSION,
  systemClock,
  type CrmEvent,
} from '@hc/contracts';
import type { Kafka } from 'kafkajs';

const DEPARTMENTS = 20;
const DAYS = 90;

function pick<T>(values: readonly T[], n: number): T {
  return values[n % values.length]!;
}

/** Company-local (UTC+3) timestamp `daysAgo` days before now, spread over the working day. */
function occurredAt(n: number): string {
  const instant = new Date(systemClock.now().getTime() - (n % DAYS) * 86_400_000 - (n % 600) * 60_000);
  const local = new Date(instant.getTime() + 3 * 3_600_000);
  return `${local.toISOString().slice(0, 19)}+03:00`;
}

/**
 * The n-th event of a realistic mix: surveys 40%, complaints 30%, thanks 20%, handled contacts 10%
 * (the last ones replace each other per department and day, as the contract says).
 */
export function crmEvent(n: number): CrmEvent {
  const customerId = `cust-${n % 50_000}`;
  const departmentId = `bench-dep-${n % DEPARTMENTS}`;
  const base = {
    eventId: randomUUID(),
    schemaVersion: CRM_SCHEMA_VERSION as typeof CRM_SCHEMA_VERSION,
    occurredAt: occurredAt(n),
  };
  const kind = n % 10;
  if (kind < 4) {
    return {
      ...base,
      type: 'SurveyAnswered',
      payload: {
        surveyId: `survey-${n}`,
        customerId,
        departmentId,
        csi: (n % 5) + 1,
        nps: kind === 3 ? null : n % 11,
        comment: kind === 0 ? 'Оператор всё объяснил, но ждать пришлось долго' : null,
      },
    };
  }
  if (kind < 7) {
    return {
      ...base,
      type: 'ComplaintLogged',
      payload: {
        complaintId: `complaint-${n}`,
        customerId,
        channel: pick(CRM_CHANNELS, n),
        category: pick(CRM_COMPLAINT_CATEGORIES, n >> 1),
        departmentId: kind === 6 ? null : departmentId,
        employeeId: null,
        summary: 'Клиент трижды звонил по поводу выплаты, каждый раз просили подождать ещё неделю',
      },
    };
  }
  if (kind < 9) {
    return {
      ...base,
      type: 'GratitudeReceived',
      payload: {
        gratitudeId: `thanks-${n}`,
        customerId,
        channel: pick(CRM_CHANNELS, n >> 2),
        written: kind === 8,
        departmentId,
        text: kind === 8 ? 'Спасибо Анне за быстрое урегулирование' : null,
      },
    };
  }
  const day = new Date(systemClock.now().getTime() - (n % DAYS) * 86_400_000).toISOString().slice(0, 10);
  return {
    ...base,
    type: 'ContactsHandled',
    payload: { departmentId, date: day, count: 1_000 + (n % 500) },
  };
}

/** Writes `count` CRM events to `topic`, keyed by customer id, several large batches in flight. */
export async function produceCrmEvents(
  kafka: Kafka,
  topic: string,
  count: number,
  firstN = 0,
): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const batchSize = 5_000;
  const inFlight = new Set<Promise<unknown>>();
  try {
    for (let start = 0; start < count; start += batchSize) {
      const messages = [];
      for (let n = start; n < Math.min(count, start + batchSize); n++) {
        const event = crmEvent(firstN + n);
        const key = 'customerId' in event.payload ? event.payload.customerId : event.payload.departmentId;
        messages.push({ key, value: JSON.stringify(event) });
      }
      const sent: Promise<unknown> = producer.send({ topic, messages }).finally(() => inFlight.delete(sent));
      inFlight.add(sent);
      if (inFlight.size >= 4) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await producer.disconnect();
  }
}
