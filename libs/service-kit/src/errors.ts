import { GraphQLError } from 'graphql';

export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'FORBIDDEN',
  'CONFLICT',
  'UNAUTHENTICATED',
  'ACCEPTED_NOT_YET_VISIBLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * An expected failure, returned by domain code as a value (never thrown as a string) and turned
 * into a GraphQL error with `extensions.code` (and `extensions.field` for bad input) at the edge.
 */
export interface DomainError {
  code: ErrorCode;
  message: string;
  /** The input field at fault, as a path (`input.leaflet.title`). */
  field?: string;
  /** ACCEPTED_NOT_YET_VISIBLE: the ids of what the mutation recorded, to read back later. */
  ids?: string[];
}

export const badInput = (field: string, message: string): DomainError => ({
  code: 'BAD_USER_INPUT',
  field,
  message,
});
export const notFound = (message: string): DomainError => ({ code: 'NOT_FOUND', message });
export const forbidden = (message: string): DomainError => ({ code: 'FORBIDDEN', message });
export const conflict = (message: string): DomainError => ({ code: 'CONFLICT', message });

/**
 * The mutation's events are stored (and will be published), but the read model it answers from has not
 * applied them in time. Repeating the mutation would do it twice: the caller reads `ids` again later.
 */
export const acceptedNotYetVisible = (ids: string[]): DomainError => ({
  code: 'ACCEPTED_NOT_YET_VISIBLE',
  ids,
  message: `The change is recorded, but ${ids.join(', ')} cannot be read back yet (the read model is catching up): read again shortly instead of repeating the mutation`,
});

export function isDomainError(value: unknown): value is DomainError {
  return (
    typeof value === 'object' &&
    value !== null &&
    'code' in value &&
    'message' in value &&
    typeof (value as DomainError).message === 'string' &&
    (ERROR_CODES as readonly string[]).includes((value as DomainError).code)
  );
}

export function toGraphQLError(error: DomainError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: {
      code: error.code,
      ...(error.field ? { field: error.field } : {}),
      ...(error.ids ? { ids: error.ids } : {}),
    },
  });
}

/** Throws the GraphQL form of a domain error: for resolvers, at the edge only. */
export function raise(error: DomainError): never {
  throw toGraphQLError(error);
}
