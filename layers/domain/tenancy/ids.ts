/**
 * Identifier rules shared by every key. Ids never contain '#', the key-part separator, so no id can forge
 * another tenant's key; they are validated wherever they enter the system.
 */
import { ValidationError } from '../errors.ts';

/** Entity ids (agents, queues, flows, calls...): never a '#', the key-part separator. */
export const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const TENANT_ID = /^[a-z0-9][a-z0-9-]{2,39}$/;
const E164 = /^\+[1-9]\d{6,14}$/;

export type TenantId = string & { readonly __brand: 'TenantId' };

export function tenantId(value: string): TenantId {
  if (!TENANT_ID.test(value)) {
    throw new ValidationError(`tenant id '${value}' must be 3-40 characters of a-z, 0-9 and '-'`);
  }
  return value as TenantId;
}

/** Validates an entity id (agent, queue, flow, call, user, key, webhook...). */
export function entityId(kind: string, value: string): string {
  if (!ID.test(value)) {
    throw new ValidationError(
      `${kind} id '${value.slice(0, 80)}' must be 1-64 characters of A-Z, a-z, 0-9, '_' and '-'`,
    );
  }
  return value;
}

export function e164(value: string): string {
  if (!E164.test(value)) throw new ValidationError(`'${value.slice(0, 40)}' is not an E.164 phone number`);
  return value;
}
