/**
 * A self sign-up request: who signs up, the number they want, and a proof of work that makes every sign-up
 * cost a browser about a second of hashing (an automated farm pays that per tenant, on top of the
 * per-address rate limit). The proof binds the email and a recent time, so it cannot be computed once and
 * replayed for other sign-ups.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { type TenantId, tenantId } from './ids.ts';
import { EMAIL, passwordProblems } from './password-policy.ts';
import { leadingZeroBits, PROOF_MAX_AGE_MS, PROOF_OF_WORK_BITS, proofMaterial } from './proof-of-work.ts';

export const signupRequestSchema = z.strictObject({
  companyName: z
    .string()
    .trim()
    .min(2, 'companyName must have at least 2 characters')
    .max(100, 'companyName must have at most 100 characters')
    .refine((v) => !/[\p{Cc}<>{}]/u.test(v), 'companyName must not contain control characters, <, >, { or }'),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, 'email must have at most 254 characters')
    .regex(EMAIL, 'email must be an email address such as ada@example.com'),
  password: z.string().max(256, 'password must have at most 256 characters'),
  numberType: z.enum(['local', 'toll-free']).default('local'),
  /** The area code the local number must have; absent for any. */
  areaCode: z
    .string()
    .regex(/^[2-9]\d{2}$/, 'areaCode must be three digits, not starting with 0 or 1')
    .optional(),
  proof: z.strictObject({
    /** Milliseconds since the epoch when the browser started the proof. */
    issuedAt: z.number().int().positive(),
    nonce: z.string().regex(/^[0-9a-z]{1,32}$/, 'proof.nonce must be 1-32 characters of 0-9 and a-z'),
  }),
});
export type SignupRequest = z.infer<typeof signupRequestSchema>;

/** Parses and checks a sign-up; a ValidationError lists every problem (the password is never echoed). */
export function parseSignupRequest(input: unknown, now: number): SignupRequest {
  const parsed = signupRequestSchema.safeParse(input);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  if (
    typeof input === 'object' &&
    input !== null &&
    typeof (input as { password?: unknown }).password === 'string'
  )
    for (const message of passwordProblems((input as { password: string }).password))
      problems.push({ path: 'password', message });
  if (parsed.success) {
    if (parsed.data.numberType === 'toll-free' && parsed.data.areaCode !== undefined)
      problems.push({ path: 'areaCode', message: 'areaCode is for local numbers only' });
    const proofProblem = proofOfWorkProblem(parsed.data.email, parsed.data.proof, now);
    if (proofProblem !== undefined) problems.push({ path: 'proof', message: proofProblem });
  }
  if (problems.length > 0) throw new ValidationError('the sign-up is not valid', problems);
  return (parsed as { data: SignupRequest }).data;
}

function proofOfWorkProblem(
  email: string,
  proof: { issuedAt: number; nonce: string },
  now: number,
): string | undefined {
  if (proof.issuedAt > now + 60_000 || now - proof.issuedAt > PROOF_MAX_AGE_MS)
    return 'the proof of work has expired: reload the page and try again';
  const digest = createHash('sha256')
    .update(proofMaterial(email, proof.issuedAt, proof.nonce))
    .digest();
  if (leadingZeroBits(digest) < PROOF_OF_WORK_BITS)
    return `the proof of work does not hold (${PROOF_OF_WORK_BITS} leading zero bits needed)`;
  return undefined;
}

/** Finds a proof (tests and tools; the browser runs the same search). */
export function solveProofOfWork(email: string, issuedAt: number): { issuedAt: number; nonce: string } {
  for (let n = 0; ; n++) {
    const nonce = n.toString(36);
    const digest = createHash('sha256')
      .update(proofMaterial(email, issuedAt, nonce))
      .digest();
    if (leadingZeroBits(digest) >= PROOF_OF_WORK_BITS) return { issuedAt, nonce };
  }
}

/** `acme-bakery-k3x9qa`: readable in logs and keys, and never guessed from the name alone. */
export function newTenantId(companyName: string): TenantId {
  const slug = companyName
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24)
    .replace(/-+$/, '');
  const suffix = randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 6);
  return tenantId(`${slug.length >= 2 ? slug : 'tenant'}-${suffix}`);
}

/** An unguessable id: whoever holds it may read the sign-up's progress (nothing else). */
export function newSignupId(): string {
  return randomBytes(18).toString('base64url');
}

/** An IPv4 address as it is; an IPv6 address as its /64 (its first four groups, expanded). */
export function networkOf(address: string): string {
  if (!address.includes(':') || /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address))
    return address.replace(/^::ffff:/i, '');
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.padStart(4, '0'))
    .join(':')}::/64`;
}
