import { createHmac, timingSafeEqual } from 'node:crypto';

export const ROLES = ['participant', 'leader', 'coordinator', 'analyst', 'integration', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: verified by the gateway from the JWT, forwarded to subgraphs signed. */
export interface Identity {
  /** The employee id (JWT `sub`), or a client id for `integration` callers. */
  subject: string;
  roles: Role[];
  departmentId: string | null;
  /** Business time set by an admin in simulation mode, ISO-8601; null otherwise. */
  businessTime: string | null;
}

/** Headers the gateway sets on every subgraph request; anything a client sends under these names is replaced. */
export const IDENTITY_HEADER = 'x-hc-identity';
export const IDENTITY_SIGNATURE_HEADER = 'x-hc-identity-signature';
export const CORRELATION_HEADER = 'x-correlation-id';

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

function sign(encoded: string, secret: string): string {
  return createHmac('sha256', secret).update(encoded).digest('base64url');
}

/** The two header values that carry an identity from the gateway to a subgraph. */
export function encodeIdentity(identity: Identity, secret: string): Record<string, string> {
  const encoded = Buffer.from(JSON.stringify(identity), 'utf8').toString('base64url');
  return { [IDENTITY_HEADER]: encoded, [IDENTITY_SIGNATURE_HEADER]: sign(encoded, secret) };
}

/**
 * The identity from forwarded headers, or null when absent or not signed with the shared secret:
 * a caller that reaches a subgraph directly cannot claim roles it was not given.
 */
export function decodeIdentity(
  headers: Record<string, string | string[] | undefined>,
  secret: string,
): Identity | null {
  const encoded = headers[IDENTITY_HEADER];
  const signature = headers[IDENTITY_SIGNATURE_HEADER];
  if (typeof encoded !== 'string' || typeof signature !== 'string') return null;
  const expected = Buffer.from(sign(encoded, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Partial<Identity>;
    if (typeof parsed.subject !== 'string' || !Array.isArray(parsed.roles)) return null;
    return {
      subject: parsed.subject,
      roles: parsed.roles.filter(isRole),
      departmentId: typeof parsed.departmentId === 'string' ? parsed.departmentId : null,
      businessTime: typeof parsed.businessTime === 'string' ? parsed.businessTime : null,
    };
  } catch {
    return null;
  }
}

export function hasRole(identity: Identity | null, ...roles: Role[]): boolean {
  return (
    identity !== null &&
    (identity.roles.includes('admin') || roles.some((role) => identity.roles.includes(role)))
  );
}
