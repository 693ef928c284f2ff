// The result every message decoder returns: a value, or the dead-letter reason and a detail naming what was wrong.
import { isPlainObject, type PlainObject } from './validation.js';

export const DEAD_LETTER_REASONS = [
  'empty',
  'too_large',
  'invalid_utf8',
  'not_json',
  'invalid_envelope',
  'unknown_type',
  'unsupported_version',
  'invalid_payload',
] as const;

export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export type DecodeResult<T> =
  { ok: true; value: T } | { ok: false; reason: DeadLetterReason; detail: string };

export type DecodeFailure = Extract<DecodeResult<never>, { ok: false }>;

export type MessageDecoder<T> = (bytes: Buffer | null) => DecodeResult<T>;

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/** The detail travels in a Kafka header, so it is kept short whatever the input. */
export const MAX_DETAIL_LENGTH = 2000;

export interface DecodeJsonOptions {
  /** Largest accepted value in bytes; default 1 MiB. */
  maxBytes?: number;
}

export function decoded<T>(value: T): DecodeResult<T> {
  return { ok: true, value };
}

/** Cuts `text` to at most `maxLength` UTF-16 units, ending with an ellipsis, never inside a surrogate pair. */
function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  return `${text.slice(0, maxLength - 1).replace(/[\uD800-\uDBFF]$/, '')}…`;
}

export function decodeFailure(reason: DeadLetterReason, detail: string): DecodeFailure {
  return { ok: false, reason, detail: truncate(detail, MAX_DETAIL_LENGTH) };
}

/** Quotes a value taken from the input for a detail message, without letting it grow the message. */
export function quoteInput(value: unknown, maxLength = 100): string {
  return truncate(JSON.stringify(value) ?? String(value), maxLength);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The byte-level steps every JSON decoder shares: presence, size, strict UTF-8, JSON, a top-level object.
 * A BOM is not stripped: the contract says one JSON object, and JSON.parse rejects a leading BOM as not JSON.
 */
export function decodeJson(bytes: Buffer | null, options: DecodeJsonOptions = {}): DecodeResult<PlainObject> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (bytes === null || bytes.length === 0) return decodeFailure('empty', 'value: the message has no value');
  if (bytes.length > maxBytes) {
    return decodeFailure('too_large', `value: ${bytes.length} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return decodeFailure('invalid_utf8', 'value: not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return decodeFailure('not_json', `value: not JSON (${message})`);
  }
  if (!isPlainObject(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    return decodeFailure('invalid_envelope', `value: must be a JSON object, got ${kind}`);
  }
  return decoded(parsed);
}
