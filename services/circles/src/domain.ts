// Shared shapes of the service's deciders: events are the public circles contract, typed by name.
import type { CirclesEventPayloads, CirclesEventType } from '@hc/contracts';
import type { DomainEvent } from '@hc/service-kit';

export type CirclesEvent<K extends CirclesEventType = CirclesEventType> = {
  [T in K]: DomainEvent<T, CirclesEventPayloads[T]>;
}[K];

export function event<K extends CirclesEventType>(type: K, data: CirclesEventPayloads[K]): CirclesEvent<K> {
  return { type, data };
}

/** Unreachable when every case of a union is handled: a new command that is not handled fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
