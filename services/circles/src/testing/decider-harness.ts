// Given / when / then for deciders: fold the given events, decide the command, compare events or the error.
import type { Decider, DecisionContext, DomainEvent, DomainError, Identity, Role } from '@hc/service-kit';

export const NOW = new Date('2026-05-14T10:00:00.000Z');

export function identity(subject: string, ...roles: Role[]): Identity {
  return {
    subject,
    roles: roles.length > 0 ? roles : ['participant'],
    departmentId: null,
    businessTime: null,
  };
}

export function decideAfter<C, E extends DomainEvent, S>(
  decider: Decider<C, E, S>,
  given: E[],
  command: C,
  context: Partial<DecisionContext> = {},
): E[] | DomainError {
  const state = stateAfter(decider, given);
  return decider.decide(command, state, {
    now: context.now ?? NOW,
    actor: context.actor ?? identity('admin-1', 'admin'),
  });
}

export function eventsOf<E>(result: E[] | DomainError): E[] {
  if (!Array.isArray(result)) throw new Error(`Expected events, got ${result.code}: ${result.message}`);
  return result;
}

export function stateAfter<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, given: E[]): S {
  return given.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}
