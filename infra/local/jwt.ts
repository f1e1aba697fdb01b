/**
 * The few JWT operations the local cloud needs, on node:crypto: RS256 signing for the local issuer, and
 * decoding plus RS256 signature checks for the gateway's authoriser. RS256 is the only algorithm either
 * side accepts (Cognito signs with it, and API Gateway's JWT authoriser takes only RSA keys), so a token
 * cannot pick a weaker algorithm ("none", or HS256 keyed with the public key).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type JsonWebKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { promisify } from 'node:util';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** The public half as published in the issuer's JWKS. */
  readonly publicJwk: PublicJwk;
}

export interface PublicJwk {
  readonly kty: 'RSA';
  readonly n: string;
  readonly e: string;
  readonly kid: string;
  readonly alg: 'RS256';
  readonly use: 'sig';
}

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

const generateRsa = promisify(generateKeyPair);

export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
  return signingKeyFrom(privateKey);
}

/** Rebuilds a key persisted with `exportPrivateJwk`. */
export function signingKeyFromJwk(jwk: JsonWebKey): SigningKey {
  return signingKeyFrom(createPrivateKey({ key: jwk, format: 'jwk' }));
}

export function exportPrivateJwk(key: SigningKey): JsonWebKey {
  return key.privateKey.export({ format: 'jwk' });
}

function signingKeyFrom(privateKey: KeyObject): SigningKey {
  const { n, e } = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof n !== 'string' || typeof e !== 'string') throw new Error('not an RSA key');
  // The RFC 7638 thumbprint: a kid that is stable for the key and says nothing else about it.
  const kid = createHash('sha256')
    .update(JSON.stringify({ e, kty: 'RSA', n }))
    .digest('base64url');
  return { kid, privateKey, publicJwk: { kty: 'RSA', n, e, kid, alg: 'RS256', use: 'sig' } };
}

/** A compact JWS with the header Cognito uses: `{"kid":…,"alg":"RS256"}`. */
export function signJwt(payload: Readonly<Record<string, unknown>>, key: SigningKey): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ kid: key.kid, alg: 'RS256' })}.${encode(payload)}`;
  const signature = sign('sha256', Buffer.from(signingInput), key.privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
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
