// The CRM → Kafka contract, version 1 (shared/CRM_CONTRACT.md): what the CRM publishes on crm.events.v1.

export const CRM_TOPIC_DEFAULT = 'crm.events.v1';

export const CRM_SCHEMA_VERSION = 1;

export const CRM_EVENT_TYPES = [
  'ComplaintLogged',
  'GratitudeReceived',
  'SurveyAnswered',
  'ContactsHandled',
] as const;
export type CrmEventType = (typeof CRM_EVENT_TYPES)[number];

export const CRM_CHANNELS = ['phone', 'chat', 'email', 'messenger', 'office', 'web'] as const;
export type CrmChannel = (typeof CRM_CHANNELS)[number];

export const CRM_COMPLAINT_CATEGORIES = ['service_quality', 'product', 'billing', 'claims', 'other'] as const;
export type CrmComplaintCategory = (typeof CRM_COMPLAINT_CATEGORIES)[number];

/** Free text limits, in characters (Unicode code points). */
export const CRM_SUMMARY_MAX_LENGTH = 4000;
export const CRM_TEXT_MAX_LENGTH = 4000;

/** A customer complaint registered in the CRM. */
export interface ComplaintLoggedPayload {
  complaintId: string;
  customerId: string;
  channel: CrmChannel;
  category: CrmComplaintCategory;
  departmentId?: string | null;
  employeeId?: string | null;
  summary: string;
}

/** A customer thanked the company. */
export interface GratitudeReceivedPayload {
  gratitudeId: string;
  customerId: string;
  channel: CrmChannel;
  /** A letter, e-mail or review rather than a spoken thank-you. */
  written: boolean;
  departmentId?: string | null;
  employeeId?: string | null;
  text?: string | null;
}

/** A post-contact survey answer; at least one of csi and nps is present. */
export interface SurveyAnsweredPayload {
  surveyId: string;
  customerId: string;
  departmentId?: string | null;
  /** 1..5 satisfaction with service quality. */
  csi?: number | null;
  /** 0..10 likelihood to recommend. */
  nps?: number | null;
  comment?: string | null;
}

/** Handled contacts of a department on a local date: the denominator of complaint rates. A later one replaces an earlier one. */
export interface ContactsHandledPayload {
  departmentId: string;
  /** `YYYY-MM-DD`, the company's local date. */
  date: string;
  count: number;
}

export interface CrmEventPayloads {
  ComplaintLogged: ComplaintLoggedPayload;
  GratitudeReceived: GratitudeReceivedPayload;
  SurveyAnswered: SurveyAnsweredPayload;
  ContactsHandled: ContactsHandledPayload;
}

export interface CrmEnvelope<TType extends CrmEventType, TPayload> {
  eventId: string;
  type: TType;
  schemaVersion: typeof CRM_SCHEMA_VERSION;
  /** ISO-8601 with an offset (or Z): when it happened in the CRM. */
  occurredAt: string;
  payload: TPayload;
}

export type CrmEvent = { [K in CrmEventType]: CrmEnvelope<K, CrmEventPayloads[K]> }[CrmEventType];

export type CrmEventOf<K extends CrmEventType> = Extract<CrmEvent, { type: K }>;

export function isCrmEventType(type: string): type is CrmEventType {
  return (CRM_EVENT_TYPES as readonly string[]).includes(type);
}
