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

export function createTokenVerifier(config: AuthConfig): TokenVerifier {
  const key: Uint8Array | JWTVerifyGetKey =
    config.kind === 'hs256'
      ? new TextEncoder().encode(config.secret)
      : createRemoteJWKSet(new URL(config.jwksUrl));
  const algorithms = config.kind === 'hs256' ? ['HS256'] : ['RS256'];
  return async (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) throw unauthenticated('Authentication required: send `Authorization: Bearer <token>`');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], key as Uint8Array, {
        algorithms,
        requiredClaims: ['sub', 'exp'],
        issuer: config.issuer,
        audience: config.audience,
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('The token has expired');
      if (error instanceof joseErrors.JOSEError)
        throw unauthenticated(`The token is not valid (${error.code})`);
      throw error;
    }
    return claimsOf(payload);
  };
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
