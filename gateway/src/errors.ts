// Refusals the gateway answers itself, before or instead of executing: a GraphQL-shaped body with a code.
export type GatewayErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_REQUEST'
  | 'RATE_LIMITED'
  | 'DOCUMENT_TOO_LARGE'
  | 'BATCH_TOO_LARGE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_KEY_IN_PROGRESS'
  | 'SERVICE_UNAVAILABLE';

const STATUS: Record<GatewayErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_REQUEST: 400,
  RATE_LIMITED: 429,
  DOCUMENT_TOO_LARGE: 413,
  BATCH_TOO_LARGE: 400,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_KEY_IN_PROGRESS: 409,
  SERVICE_UNAVAILABLE: 503,
};

export class GatewayError extends Error {
  readonly status: number;

  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }

  body(): string {
    return JSON.stringify({
      errors: [{ message: this.message, extensions: { code: this.code, ...this.extensions } }],
    });
  }
}
