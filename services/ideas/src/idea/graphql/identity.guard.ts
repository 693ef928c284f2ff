// The edge's rules shared by every ideas resolver: an identity is required, expected failures become GraphQL errors.
import { GraphQLError } from 'graphql';
import { raise, type Identity } from '@hc/service-kit';
import type { Result } from '../ideas.service.js';

export function requireIdentity(identity: Identity | null): Identity {
  if (!identity) throw new GraphQLError('Sign in to use ideas', { extensions: { code: 'UNAUTHENTICATED' } });
  return identity;
}

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) raise(result.error);
  return result.value;
}
