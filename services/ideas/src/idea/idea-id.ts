// Idea ids: UUID v7 for ideas proposed directly; a name-based UUID for ideas taken in from an event,
// so a redelivered or replayed source event always lands on the same idea.
import { createHash } from 'node:crypto';
import { newEventId } from '@hc/contracts';

/** Namespace of intake ids (a fixed random UUID), so they cannot collide with other name-based UUIDs. */
const INTAKE_NAMESPACE = Buffer.from('5b0e7c9a3f2d4e61a8c4d2f19e7b6a30', 'hex');

/** RFC 9562 UUID v5 of the source event id. */
export function ideaIdFromSourceEvent(sourceEventId: string): string {
  const hash = createHash('sha1').update(INTAKE_NAMESPACE).update(sourceEventId, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const newIdeaId = (): string => newEventId();
