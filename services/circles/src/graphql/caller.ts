// Who may call: every operation needs a verified identity; some need a role.
import { GraphQLError } from 'graphql';
import { forbidden, hasRole, raise, type DomainError, type Identity, type Role } from '@hc/service-kit';

export function requireIdentity(identity: Identity | null): Identity {
  if (!identity) throw new GraphQLError('Sign in first', { extensions: { code: 'UNAUTHENTICATED' } });
  return identity;
}

export function requireRole(identity: Identity | null, ...roles: Role[]): Identity {
  const caller = requireIdentity(identity);
  if (!hasRole(caller, ...roles)) raise(forbidden(`Only a ${roles.join(' or ')} can do this`));
  return caller;
}

/** Raises the first problem, if any. */
export function check(problem: DomainError | null): void {
  if (problem) raise(problem);
}
