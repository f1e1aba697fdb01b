/**
 * A tenant's users: the admin invites people by email with their roles (the groups admin, supervisor,
 * agent); each signs in first with a temporary password and chooses its own. Roles change only through an
 * admin, and never an admin's own (so nobody locks themselves out, or raises themselves).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';
import { parseOrThrow } from '../validation.ts';
import { EMAIL } from './password-policy.ts';

export const ROLES = ['admin', 'supervisor', 'agent'] as const;
export type Role = (typeof ROLES)[number];

const roles = z
  .array(z.enum(ROLES, { message: `each role must be one of ${ROLES.join(', ')}` }))
  .min(1, 'groups must name at least one role')
  .max(ROLES.length)
  .transform((list) => ROLES.filter((r) => list.includes(r)));

const inviteSchema = z.strictObject({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, 'email must have at most 254 characters')
    .regex(EMAIL, 'email must be an email address such as ada@example.com'),
  groups: roles,
});

const rolesSchema = z.strictObject({ groups: roles });

export const parseInvite = (input: unknown) => parseOrThrow(inviteSchema, input, 'invitation');
export const parseRoles = (input: unknown) => parseOrThrow(rolesSchema, input, 'change of roles');

/** A temporary password that meets the pool's policy: used once, to choose one's own. */
export function temporaryPassword(): string {
  const pick = (set: string) => set[randomInt(set.length)] as string;
  return `${randomBytes(9).toString('base64url')}${pick('ABCDEFGHJKLMNPQRSTUVWXYZ')}${pick('abcdefghijkmnpqrstuvwxyz')}${pick('23456789')}${pick('!#%+-=?')}`;
}
