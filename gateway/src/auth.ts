// Verifies `Authorization: Bearer <JWT>` (HS256 in development, RS256 from a JWKS in production) into claims.
import {
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { isRole, type Role } from '@hc/service-kit';
import type { AuthConfig } from './config.js';
import { GatewayError } from './errors.js';

/** What a verified token says about its bearer. */
export interface VerifiedClaims {
  subject: string;
  roles: Role[];
  departmentId: string | null;
}

export type TokenVerifier = (authorization: string | undefined) => Promise<VerifiedClaims>;

function unauthenticated(message: string): GatewayError {
  return new GatewayError('UNAUTHENTICATED', message, {}, { 'www-authenticate': 'Bearer' });
}

function claimsOf(payload: JWTPayload): VerifiedClaims {
  const { sub, roles, departmentId } = payload;
  if (typeof sub !== 'string' || sub.trim() === '' || sub.length > 200)
    throw unauthenticated('The token has no valid `sub` claim');
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    throw unauthenticated('The token has no valid `roles` claim (an array of role names)');
  }
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) throw unauthenticated(`The token names unknown roles: ${unknown.join(', ')}`);
  if (departmentId !== undefined && departmentId !== null && typeof departmentId !== 'string') {
    throw unauthenticated('The token has an invalid `departmentId` claim');
  }
  return { subject: sub, roles: [...new Set(roles as Role[])], departmentId: departmentId ?? null };
}

/** Tokens whose verification is remembered: about one per active caller. */
const VERIFIED_TOKENS = 10_000;
/** A remembered verification is redone at least this often, so a key withdrawn from the JWKS stops counting. */
const REVERIFY_MS = 60_000;

interface Verified {
  claims: VerifiedClaims;
  /** Until when the verification may be reused: the token's `exp`, or sooner. */
  until: number;
}

export function createTokenVerifier(config: AuthConfig, now: () => number = Date.now): TokenVerifier {
  const key: Uint8Array | JWTVerifyGetKey =
    config.kind === 'hs256'
      ? new TextEncoder().encode(config.secret)
      : createRemoteJWKSet(new URL(config.jwksUrl));
  const algorithms = config.kind === 'hs256' ? ['HS256'] : ['RS256'];
  // A client sends the same token with every request: its signature and claims are checked once, not each time.
  const verified = new Map<string, Verified>();
  return async (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) throw unauthenticated('Authentication required: send `Authorization: Bearer <token>`');
    const token = match[1];
    const remembered = verified.get(token);
    if (remembered && now() < remembered.until) return copyOf(remembered.claims);
    verified.delete(token);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Uint8Array, {
        algorithms,
        requiredClaims: ['sub', 'exp'],
        issuer: config.issuer,
        audience: config.audience,
        currentDate: new Date(now()),
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('The token has expired');
      if (error instanceof joseErrors.JOSEError)
        throw unauthenticated(`The token is not valid (${error.code})`);
      throw error;
    }
    const claims = claimsOf(payload);
    // `exp` is required, so verification succeeded only with one.
    verified.set(token, { claims, until: Math.min(payload.exp! * 1000, now() + REVERIFY_MS) });
    if (verified.size > VERIFIED_TOKENS) verified.delete(verified.keys().next().value!);
    return copyOf(claims);
  };
}

function copyOf(claims: VerifiedClaims): VerifiedClaims {
  return { ...claims, roles: [...claims.roles] };
}

export interface DevelopmentTokenClaims {
  subject: string;
  roles: Role[];
  departmentId?: string;
}

/** A development HS256 token, as `npm run token` prints it. */
export async function signDevelopmentToken(
  claims: DevelopmentTokenClaims,
  secret: string,
  expiresIn: string | number = '12h',
): Promise<string> {
  const payload: JWTPayload = { roles: claims.roles };
  if (claims.departmentId) payload.departmentId = claims.departmentId;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
