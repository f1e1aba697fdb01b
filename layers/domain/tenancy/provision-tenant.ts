/**
 * A sign-up's provisioning (or, for a tenant that has one, another number: `kind: 'number'`, which starts
 * at the number step and whose undo touches only that number) as a job of small idempotent steps, each saved before the next: the tenant with
 * its starter flow and queue, a phone number (search → order → wait), the SIP rule that sends the number's
 * calls to every region's SIP media application by priority, the number's route to the flow, and live.
 * Any step may run twice (a worker crashed after it, before saving), so each one tolerates its own earlier
 * run. A step that cannot succeed (no number to be had, an order that keeps failing, a step that keeps
 * throwing) undoes everything made so far, the admin user included, so that signing up again with the same
 * email is safe.
 */
import { ConflictError } from '../errors.ts';
import type { TenantId } from './ids.ts';

export type SignupStep = 'account' | 'tenant' | 'number' | 'order' | 'routing' | 'activate' | 'undo';
export type SignupState = 'provisioning' | 'live' | 'failed';

export interface SignupJob {
  /** A new tenant (the default), or another number for an existing one. */
  readonly kind?: 'signup' | 'number';
  readonly signupId: string;
  readonly tenantId: TenantId;
  readonly email: string;
  /** The admin's user id (its `sub`), once the sign-up request made it. */
  readonly adminUserId?: string;
  readonly companyName: string;
  readonly numberType: 'local' | 'toll-free';
  readonly areaCode?: string;
  readonly state: SignupState;
  readonly step: SignupStep;
  readonly createdAt: string;
  /** Steps done, with when: what the sign-up page shows as progress. */
  readonly progress: readonly { step: SignupStep; at: string }[];
  readonly phoneNumber?: string;
  readonly orderId?: string;
  readonly orderedAt?: string;
  readonly sipRuleId?: string;
  /** Numbers whose order failed (another buyer took them first): never searched again. */
  readonly triedNumbers: readonly string[];
  /** Consecutive failures of the current step. */
  readonly failures: number;
  /** Why it failed, in words for the person signing up. */
  readonly error?: string;
}

export type OrderStatus = 'processing' | 'successful' | 'failed';

export interface SipTarget {
  readonly region: string;
  readonly sipMediaApplicationId: string;
}

export interface NumberOrders {
  /** Numbers for sale of the type (and area code), skipping `exclude`; empty when there are none. */
  search(query: {
    numberType: 'local' | 'toll-free';
    areaCode?: string;
    exclude: readonly string[];
  }): Promise<string[]>;
  order(e164: string, name: string): Promise<string>;
  orderStatus(orderId: string): Promise<OrderStatus>;
  /** Creates the number's SIP rule, or returns the one it already has (a step run twice). */
  sipRule(e164: string, name: string, targets: readonly SipTarget[]): Promise<string>;
  deleteSipRule(sipRuleId: string): Promise<void>;
  /** The SIP rule that routes a number, if any. */
  findRule(e164: string): Promise<string | undefined>;
  release(e164: string): Promise<void>;
}

export interface TenantWriter {
  /** The tenant (status provisioning), its admin, its starter queue and starter flow, published; idempotent. */
  create(tenant: TenantId, companyName: string, adminEmail: string, adminUserId?: string): Promise<void>;
  assignNumber(
    tenant: TenantId,
    e164: string,
    targets: readonly SipTarget[],
    sipRuleId: string,
  ): Promise<void>;
  /** The number's route and item, if the tenant holds it. */
  unassignNumber(tenant: TenantId, e164: string): Promise<void>;
  activate(tenant: TenantId): Promise<void>;
  /** Every configuration item of the tenant, and the directory entry of `e164` if the tenant holds it. */
  remove(tenant: TenantId, e164: string | undefined): Promise<void>;
}

export interface AdminUsers {
  /** Deletes the user with this email if it belongs to `tenant` (never another tenant's user). */
  remove(email: string, tenant: TenantId): Promise<void>;
}

export interface ProvisioningPorts {
  readonly numbers: NumberOrders;
  readonly tenants: TenantWriter;
  readonly users: AdminUsers;
  /** The SIP media application of every deployed region, primary first. */
  sipTargets(): Promise<readonly SipTarget[]>;
  now(): number;
}

/** Numbers tried before a sign-up gives up on racing other buyers. */
export const MAX_NUMBER_ATTEMPTS = 5;
/** An order still processing after this long is given up (the sign-up page is waiting). */
export const ORDER_TIMEOUT_MS = 120_000;
/** How long an undo waits for a running order to end before giving its number up as lost (logged). */
export const ORDER_SETTLE_MS = 15 * 60_000;
/** A sign-up stuck at its first step (the request died mid-way) is undone after this long. */
export const ACCOUNT_STEP_TIMEOUT_MS = 60_000;
/** Consecutive errors of one step before the sign-up is undone. */
export const MAX_STEP_FAILURES = 5;

/** What one call of `advance` did: the job to save, and how long to wait before advancing it again. */
export interface Advanced {
  readonly job: SignupJob;
  readonly waitMs: number;
}

export function isFinished(job: SignupJob): boolean {
  return job.state !== 'provisioning';
}

/**
 * Whether a worker should take the job now. A job at its first step belongs to the sign-up request that
 * is creating the user; only once that request must have ended is the job a worker's (to undo).
 */
export function needsWorker(job: SignupJob, now: number): boolean {
  if (isFinished(job)) return false;
  return job.step !== 'account' || now - Date.parse(job.createdAt) > ACCOUNT_STEP_TIMEOUT_MS;
}

/** Runs the job's current step once. Throws only what the caller should count as a step failure. */
export async function advance(job: SignupJob, ports: ProvisioningPorts): Promise<Advanced> {
  const at = new Date(ports.now()).toISOString();
  const done = (next: SignupStep, changes: Partial<SignupJob> = {}): Advanced => ({
    job: { ...job, ...changes, step: next, failures: 0, progress: [...job.progress, { step: job.step, at }] },
    waitMs: 0,
  });
  switch (job.step) {
    case 'account':
      // The sign-up request creates the user and moves on; a job still here was cut off mid-way.
      return fail(job, 'the sign-up was interrupted: please sign up again');
    case 'tenant':
      await ports.tenants.create(job.tenantId, job.companyName, job.email, job.adminUserId);
      return done('number');
    case 'number': {
      if (job.triedNumbers.length >= MAX_NUMBER_ATTEMPTS)
        return fail(job, 'every number we tried was taken by someone else: please try again');
      const [found] = await ports.numbers.search({
        numberType: job.numberType,
        areaCode: job.areaCode,
        exclude: job.triedNumbers,
      });
      if (found === undefined)
        return fail(
          job,
          job.numberType === 'toll-free'
            ? 'no toll-free number is available right now: please try again later'
            : job.areaCode === undefined
              ? 'no local number is available right now: please try again later'
              : `no local number is available in area code ${job.areaCode}: choose another area code or leave it empty`,
        );
      const orderId = await ports.numbers.order(found, `openline-${job.tenantId}`);
      return done('order', { phoneNumber: found, orderId, orderedAt: at });
    }
    case 'order': {
      const status = await ports.numbers.orderStatus(job.orderId as string);
      if (status === 'successful') return done('routing');
      if (status === 'failed')
        // Another buyer ordered the same number first: search again, never for this one.
        return {
          job: {
            ...job,
            step: 'number',
            phoneNumber: undefined,
            orderId: undefined,
            orderedAt: undefined,
            triedNumbers: [...job.triedNumbers, job.phoneNumber as string],
            failures: 0,
          },
          waitMs: 0,
        };
      if (ports.now() - Date.parse(job.orderedAt ?? job.createdAt) > ORDER_TIMEOUT_MS)
        return fail(job, 'the phone number order did not complete in time: please try again');
      return { job, waitMs: 250 };
    }
    case 'routing': {
      const targets = await ports.sipTargets();
      const e164 = job.phoneNumber as string;
      const sipRuleId =
        job.sipRuleId ?? (await ports.numbers.sipRule(e164, `openline-${job.tenantId}`, targets));
      // Saved before the route, so an undo finds the rule even if the next write fails.
      if (job.sipRuleId === undefined) return { job: { ...job, sipRuleId }, waitMs: 0 };
      await ports.tenants.assignNumber(job.tenantId, e164, targets, sipRuleId);
      return done('activate');
    }
    case 'activate':
      if (job.kind !== 'number') await ports.tenants.activate(job.tenantId);
      return { job: { ...done('activate').job, state: 'live' }, waitMs: 0 };
    case 'undo':
      return undo(job, ports, at);
  }
}

/** Counts a step's error; past the limit the sign-up is undone. */
export function stepFailed(job: SignupJob, error: unknown): SignupJob {
  if (job.step === 'undo') return { ...job, failures: job.failures + 1 };
  // A number directory entry held by another tenant will not change on a retry.
  if (error instanceof ConflictError)
    return fail(job, 'the phone number could not be assigned: please try again').job;
  if (job.failures + 1 >= MAX_STEP_FAILURES)
    return fail(job, 'setting up your contact center failed: nothing was kept, please try again').job;
  return { ...job, failures: job.failures + 1 };
}

function fail(job: SignupJob, error: string): Advanced {
  return {
    job: { ...job, step: 'undo', error, failures: 0 },
    waitMs: 0,
  };
}

/** Everything made, unmade in reverse; each part tolerates being gone already. */
async function undo(job: SignupJob, ports: ProvisioningPorts, at: string): Promise<Advanced> {
  const ordered = job.phoneNumber !== undefined && job.orderId !== undefined;
  const status = ordered ? await ports.numbers.orderStatus(job.orderId as string) : undefined;
  // An order still running cannot be released yet: wait for it (up to a bound), or the number would end
  // up ours with nothing pointing at it.
  if (status === 'processing' && ports.now() - Date.parse(job.orderedAt ?? job.createdAt) < ORDER_SETTLE_MS)
    return { job, waitMs: 2_000 };
  // The rule may exist without its id saved (the step stopped right after making it): look it up.
  const rule =
    job.sipRuleId ??
    (ordered && status !== 'failed' ? await ports.numbers.findRule(job.phoneNumber as string) : undefined);
  if (rule !== undefined) await ports.numbers.deleteSipRule(rule);
  // Another number for a live tenant: only that number goes; the tenant and its admin stay.
  if (job.kind === 'number') {
    if (job.phoneNumber !== undefined) await ports.tenants.unassignNumber(job.tenantId, job.phoneNumber);
  } else await ports.tenants.remove(job.tenantId, job.phoneNumber);
  // A number whose order failed was never ours to release.
  if (ordered && status !== 'failed') await ports.numbers.release(job.phoneNumber as string);
  if (job.kind !== 'number') await ports.users.remove(job.email, job.tenantId);
  return {
    job: { ...job, state: 'failed', failures: 0, progress: [...job.progress, { step: 'undo', at }] },
    waitMs: 0,
  };
}
