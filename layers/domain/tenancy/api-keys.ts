/**
 * Tenant API keys for CRMs, order systems and partners. A key is `olk_<keyId>_<secret>`: the key id is
 * public (it names the key in lists and logs), the secret is shown once at creation and stored only as the
 * SHA-256 of the whole key. A key acts for its tenant only, and only within its scopes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseOrThrow } from '../validation.ts';

export const API_SCOPES = [
  'flows:read',
  'flows:write',
  'queues:read',
  'queues:write',
  'agents:read',
  'agents:write',
  'numbers:read',
  'wallboard:read',
  'callbacks:read',
  'reports:read',
  'recordings:read',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Keys one tenant may hold at once (revoked keys do not count). */
export const MAX_API_KEYS = 20;

const KEY = /^olk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export const newApiKeySchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'name is required')
    .max(80, 'name must have at most 80 characters')
    .refine((v) => !/[\p{Cc}<>]/u.test(v), 'name must not contain control characters, < or >'),
  scopes: z
    .array(z.enum(API_SCOPES, { message: `each scope must be one of ${API_SCOPES.join(', ')}` }))
    .min(1, 'scopes must name at least one scope')
    .max(API_SCOPES.length)
    .transform((scopes) => API_SCOPES.filter((s) => scopes.includes(s))),
});
export type NewApiKey = z.infer<typeof newApiKeySchema>;

export function parseNewApiKey(input: unknown): NewApiKey {
  return parseOrThrow(newApiKeySchema, input, 'API key');
}

/** A fresh key: its id, the whole key (shown once) and the hash that is stored. */
export function generateApiKey(): { keyId: string; key: string; hash: string } {
  const keyId = randomBytes(12)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12);
  const key = `olk_${keyId}_${randomBytes(32).toString('base64url')}`;
  return { keyId, key, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Whether a bearer credential has an API key's shape (the only thing checked before the lookup). */
export function looksLikeApiKey(credential: string): boolean {
  return KEY.test(credential);
}

export function isApiScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}
