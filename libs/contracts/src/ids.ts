import { v7 as uuidV7, validate as uuidValidate } from 'uuid';

/** A time-ordered UUID (v7), so ids sort roughly by creation time and index well. */
export function newEventId(): string {
  return uuidV7();
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidValidate(value);
}
