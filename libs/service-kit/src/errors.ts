import { GraphQLError } from 'graphql';

export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT' | 'UNAUTHENTICATED';

/**
 * An expected failure, returned by domain code as a value (never thrown as a string) and turned
 * into a GraphQL error with `extensions.code` (and `extensions.field` for bad input) at the edge.
 */
export interface DomainError {
  code: ErrorCode;
  message: string;
  /** The input field at fault, as a path (`input.leaflet.title`). */
  field?: string;
}

export const badInput = (field: string, message: string): DomainError => ({
  code: 'BAD_USER_INPUT',
  field,
  message,
});
export const notFound = (message: string): DomainError => ({ code: 'NOT_FOUND', message });
export const forbidden = (message: string): DomainError => ({ code: 'FORBIDDEN', message });
export const conflict = (message: string): DomainError => ({ code: 'CONFLICT', message });

export function isDomainError(value: unknown): value is DomainError {
  return (
    typeof value === 'object' &&
    value !== null &&
    'code' in value &&
    'message' in value &&
    typeof (value as DomainError).message === 'string' &&
    ['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'UNAUTHENTICATED'].includes(
      (value as DomainError).code,
    )
  );
}

export function toGraphQLError(error: DomainError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: { code: error.code, ...(error.field ? { field: error.field } : {}) },
  });
}

/** Throws the GraphQL form of a domain error: for resolvers, at the edge only. */
export function raise(error: DomainError): never {
  throw toGraphQLError(error);
}
