/**
 * JWT decoding and RS256 signature checks on node:crypto, for whatever verifies tokens: the Lambda
 * authoriser on AWS and the local gateway alike. RS256 is the only algorithm accepted (Cognito signs with
 * it, and API Gateway's JWT authoriser takes only RSA keys), so a token cannot pick a weaker algorithm
 * ("none", or HS256 keyed with the public key).
 */
import { createPublicKey, type JsonWebKey, type KeyObject, verify } from 'node:crypto';

export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  /** `<header>.<payload>` exactly as received: what the signature covers. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

export class MalformedJwtError extends Error {
  override readonly name = 'MalformedJwtError';
}

/** Splits and parses a compact JWS without trusting any of it. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p)))
    throw new MalformedJwtError('not a compact JWS of three base64url parts');
  const [header, payload, signature] = parts as [string, string, string];
  const json = (part: string, what: string): Record<string, unknown> => {
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    } catch {
      throw new MalformedJwtError(`the ${what} is not JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new MalformedJwtError(`the ${what} is not a JSON object`);
    return value as Record<string, unknown>;
  };
  return {
    header: json(header, 'header'),
    payload: json(payload, 'payload'),
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}

/** True only for an RS256 signature by this RSA public key. */
export function verifyRs256(
  jwt: DecodedJwt,
  jwk: { readonly kty?: unknown; readonly n?: unknown; readonly e?: unknown; readonly alg?: unknown },
): boolean {
  if (jwt.header.alg !== 'RS256' || jwk.kty !== 'RSA') return false;
  if (jwk.alg !== undefined && jwk.alg !== 'RS256') return false;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e } as JsonWebKey, format: 'jwk' });
  } catch {
    return false;
  }
  return verify('sha256', Buffer.from(jwt.signingInput), key, jwt.signature);
}
