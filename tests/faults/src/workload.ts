// Valid CRM events in bulk, the poison kinds the contract names, and an independent calculator of the figures
// the acknowledged events must yield: plain loops over what was sent, sharing no code with the metrics service.
import { createHash, randomUUID } from 'node:crypto';

export type CrmType = 'ComplaintLogged' | 'GratitudeReceived' | 'SurveyAnswered' | 'ContactsHandled';

export interface CrmEvent {
  eventId: string;
  type: CrmType;
  schemaVersion: 1;
  occurredAt: string;
  payload: Record<string, unknown>;
}

export interface OutgoingMessage {
  key: string;
  value: Buffer;
}

export const DEPARTMENTS = ['DEP-1', 'DEP-2', 'DEP-3', 'DEP-4', 'DEP-5'] as const;
const CHANNELS = ['phone', 'chat', 'email', 'messenger', 'office', 'web'];
const CATEGORIES = ['service_quality', 'product', 'billing', 'claims', 'other'];
/** The window every generated event falls in; figures are asked for over it. */
export const PERIOD = { from: '2026-03-01', to: '2026-08-31' } as const;

/** A small seeded generator (mulberry32): a failing run can be replayed from its tag. */
function random(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ContactsHandled replacements are decided by occurredAt; a process-wide sequence keeps every one distinct,
// so "the latest" never depends on the arrival order that faults are free to change.
let contactsSequence = 0;

export interface WorkloadOptions {
  /** Names the workload's ids (complaints, surveys...) so workloads on one stack never collide. */
  tag: string;
  /** Share of ComplaintLogged (each becomes a situation in circles, the costliest path). */
  complaintShare?: number;
  /** Share of events sent twice with the same eventId, as the CRM's at-least-once delivery does. */
  duplicateShare?: number;
}

/** A workload tag unique to this run; logged with failures, it replays the same events. */
export function runTag(name: string): string {
  return `${name}-${randomUUID().slice(0, 8)}`;
}

/** `count` messages (duplicates included) of valid CRM events, in the order to send them. */
export function crmWorkload(count: number, options: WorkloadOptions): CrmEvent[] {
  const next = random(options.tag);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const complaintShare = options.complaintShare ?? 0.1;
  const duplicateShare = options.duplicateShare ?? 0.02;
  const events: CrmEvent[] = [];
  const day = () => {
    const start = Date.parse('2026-03-01T00:00:00Z');
    const offset = Math.floor(next() * 180) * 86_400_000 + Math.floor(next() * 86_400) * 1000;
    // Late evening UTC is already tomorrow in Moscow: the calculator must bucket by company-local date.
    return new Date(start + offset).toISOString().replace('.000Z', 'Z');
  };
  for (let i = 0; events.length < count; i++) {
    if (events.length > 0 && next() < duplicateShare) {
      events.push(pick(events));
      continue;
    }
    const roll = next();
    const departmentId = next() < 0.9 ? pick(DEPARTMENTS) : undefined;
    const id = `${options.tag}-${i}`;
    const base = { eventId: randomUUID(), schemaVersion: 1 as const, occurredAt: day() };
    if (roll < complaintShare) {
      events.push({
        ...base,
        type: 'ComplaintLogged',
        payload: {
          complaintId: `CMP-${id}`,
          customerId: `CUST-${Math.floor(next() * 5000)}`,
          channel: pick(CHANNELS),
          category: pick(CATEGORIES),
          ...(departmentId ? { departmentId } : {}),
          summary: `Клиент ${i} ждал ответа ${1 + Math.floor(next() * 9)} дней\nПодробности в карточке`,
        },
      });
    } else if (roll < complaintShare + 0.25) {
      events.push({
        ...base,
        type: 'GratitudeReceived',
        payload: {
          gratitudeId: `GR-${id}`,
          customerId: `CUST-${Math.floor(next() * 5000)}`,
          channel: pick(CHANNELS),
          written: next() < 0.4,
          ...(departmentId ? { departmentId } : {}),
          text: 'Спасибо за помощь!',
        },
      });
    } else if (roll < 0.85) {
      const csi = next() < 0.8 ? 1 + Math.floor(next() * 5) : null;
      const nps = csi === null || next() < 0.7 ? Math.floor(next() * 11) : null;
      events.push({
        ...base,
        type: 'SurveyAnswered',
        payload: {
          surveyId: `SRV-${id}`,
          customerId: `CUST-${Math.floor(next() * 5000)}`,
          ...(departmentId ? { departmentId } : {}),
          csi,
          nps,
        },
      });
    } else {
      const date = day().slice(0, 10);
      contactsSequence += 1;
      events.push({
        ...base,
        occurredAt: new Date(Date.parse(`${date}T21:00:00Z`) + contactsSequence).toISOString(),
        type: 'ContactsHandled',
        payload: { departmentId: pick(DEPARTMENTS), date, count: Math.floor(next() * 2000) },
      });
    }
  }
  return events;
}

export function toMessage(event: CrmEvent): OutgoingMessage {
  const key = (event.payload.customerId ?? event.payload.departmentId) as string;
  return { key, value: Buffer.from(JSON.stringify(event)) };
}

export const POISON_KINDS = [
  'not_json',
  'wrong_types',
  'unknown_type',
  'oversized',
  'invalid_utf8',
  'missing_fields',
  'missing_envelope',
  'unsupported_version',
  'empty',
] as const;

export type PoisonKind = (typeof POISON_KINDS)[number];

/** The dead-letter reason each poison kind must be given. */
export const POISON_REASON: Record<PoisonKind, string> = {
  not_json: 'not_json',
  wrong_types: 'invalid_payload',
  unknown_type: 'unknown_type',
  oversized: 'too_large',
  invalid_utf8: 'invalid_utf8',
  missing_fields: 'invalid_payload',
  missing_envelope: 'invalid_envelope',
  unsupported_version: 'unsupported_version',
  empty: 'empty',
};

/** One poison message of a kind; `marker` lets the test find it in the dead-letter topic. */
export function poison(kind: PoisonKind, marker: string): OutgoingMessage {
  const valid = {
    eventId: randomUUID(),
    type: 'SurveyAnswered',
    schemaVersion: 1,
    occurredAt: '2026-05-12T12:00:00+03:00',
    payload: { surveyId: `SRV-${marker}`, customerId: 'CUST-P', departmentId: 'DEP-1', csi: 5, nps: 9 },
  };
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const key = `poison-${marker}`;
  switch (kind) {
    case 'not_json':
      return { key, value: Buffer.from(`{"eventId": "${marker}", `) };
    case 'wrong_types':
      return { key, value: json({ ...valid, payload: { ...valid.payload, csi: 'five', nps: [9] } }) };
    case 'unknown_type':
      return { key, value: json({ ...valid, type: 'ComplaintClosed' }) };
    case 'oversized':
      return {
        key,
        value: json({ ...valid, payload: { ...valid.payload, comment: 'ж'.repeat(600 * 1024) } }),
      };
    case 'invalid_utf8':
      return {
        key,
        value: Buffer.concat([
          Buffer.from(`{"eventId":"${marker}","x":"`),
          Buffer.from([0xc3, 0x28, 0xff]),
          Buffer.from('"}'),
        ]),
      };
    case 'missing_fields': {
      const { surveyId: _dropped, ...payload } = valid.payload;
      return { key, value: json({ ...valid, payload }) };
    }
    case 'missing_envelope': {
      const { eventId: _dropped, ...envelope } = valid;
      return { key, value: json(envelope) };
    }
    case 'unsupported_version':
      return { key, value: json({ ...valid, schemaVersion: 2 }) };
    case 'empty':
      return { key, value: Buffer.alloc(0) };
  }
}

// ---------------------------------------------------------------------------------------------
// The figures acknowledged events must yield (Moscow is UTC+3 all year)
// ---------------------------------------------------------------------------------------------

const moscowDate = (instant: string) =>
  new Date(Date.parse(instant) + 3 * 3_600_000).toISOString().slice(0, 10);

export interface CrmFigures {
  complaints: number;
  serviceQualityComplaintShare: number | null;
  gratitudes: number;
  writtenThanks: number;
  surveyAnswers: number;
  csi: number | null;
  csiSample: number;
  csat: number | null;
  nps: number | null;
  npsSample: number;
  contactsHandled: number;
  complaintsPer1000Contacts: number | null;
}

export const FIGURE_FIELDS = [
  'complaints',
  'serviceQualityComplaintShare',
  'gratitudes',
  'writtenThanks',
  'surveyAnswers',
  'csi',
  'csiSample',
  'csat',
  'nps',
  'npsSample',
  'contactsHandled',
  'complaintsPer1000Contacts',
] as const satisfies readonly (keyof CrmFigures)[];

/** What was acknowledged, once per event id (the CRM may send one twice; it still counts once). */
export class Ledger {
  private readonly events = new Map<string, CrmEvent>();
  /** Acknowledged sends, duplicates included. */
  sent = 0;

  acknowledge(events: Iterable<CrmEvent>): void {
    for (const event of events) {
      this.sent += 1;
      if (!this.events.has(event.eventId)) this.events.set(event.eventId, event);
    }
  }

  get distinct(): number {
    return this.events.size;
  }

  /** Distinct acknowledged events of one type. */
  distinctOf(type: CrmType): number {
    return [...this.events.values()].filter((event) => event.type === type).length;
  }

  /** Distinct complaint ids: each must have become exactly one situation in circles. */
  complaintIds(): Set<string> {
    return new Set(
      [...this.events.values()]
        .filter((event) => event.type === 'ComplaintLogged')
        .map((event) => event.payload.complaintId as string),
    );
  }

  figures(from: string = PERIOD.from, to: string = PERIOD.to, department: string | null = null): CrmFigures {
    const inPeriod = (date: string) => date >= from && date <= to;
    const of = (type: CrmType) =>
      [...this.events.values()].filter(
        (event) =>
          event.type === type &&
          inPeriod(moscowDate(event.occurredAt)) &&
          (department === null || event.payload.departmentId === department),
      );
    const complaints = of('ComplaintLogged');
    const gratitudes = of('GratitudeReceived');
    const surveys = of('SurveyAnswered');
    const csi = surveys.map((e) => e.payload.csi).filter((v): v is number => typeof v === 'number');
    const nps = surveys.map((e) => e.payload.nps).filter((v): v is number => typeof v === 'number');
    const latest = new Map<string, CrmEvent>();
    for (const event of this.events.values()) {
      if (event.type !== 'ContactsHandled') continue;
      const key = `${String(event.payload.departmentId)}|${String(event.payload.date)}`;
      const current = latest.get(key);
      if (!current || Date.parse(event.occurredAt) > Date.parse(current.occurredAt)) latest.set(key, event);
    }
    const contactsHandled = [...latest.values()]
      .filter(
        (e) =>
          inPeriod(e.payload.date as string) &&
          (department === null || e.payload.departmentId === department),
      )
      .reduce((total, e) => total + (e.payload.count as number), 0);
    const share = (part: number, whole: number) => (whole === 0 ? null : (100 * part) / whole);
    const mean = (values: number[]) =>
      values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
    const meanCsi = mean(csi);
    const meanNps = mean(nps.map((v) => (v >= 9 ? 1 : v <= 6 ? -1 : 0)));
    return {
      complaints: complaints.length,
      serviceQualityComplaintShare: share(
        complaints.filter((e) => e.payload.category === 'service_quality').length,
        complaints.length,
      ),
      gratitudes: gratitudes.length,
      writtenThanks: gratitudes.filter((e) => e.payload.written === true).length,
      surveyAnswers: surveys.length,
      csi: meanCsi === null ? null : (100 * (meanCsi - 1)) / 4,
      csiSample: csi.length,
      csat: share(csi.filter((v) => v >= 4).length, csi.length),
      nps: meanNps === null ? null : 100 * meanNps,
      npsSample: nps.length,
      contactsHandled,
      complaintsPer1000Contacts: contactsHandled === 0 ? null : (1000 * complaints.length) / contactsHandled,
    };
  }
}
