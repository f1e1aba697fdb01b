/**
 * RS256 signing for the local issuer, on node:crypto. Decoding and verification live with the verifier
 * (layers/adapters/jwt-codec.ts) and are re-exported here for the local tools and tests.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type JsonWebKey,
  type KeyObject,
  sign,
} from 'node:crypto';
import { promisify } from 'node:util';

export {
  type DecodedJwt,
  decodeJwt,
  MalformedJwtError,
  verifyRs256,
} from '../../layers/adapters/jwt-codec.ts';

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
