/**
 * POST /api/v1/signups (no sign-in): `{ companyName, email, password, numberType?, areaCode?, proof }`.
 * Checks everything, counts the request against its network's hour, creates the admin user (admin and
 * supervisor) with the new tenant's id, and hands the rest to the sign-up worker: 202 with the job, whose
 * progress `GET /api/v1/signups/{signupId}` shows until the number is live. An email that already has an
 * account is a 409 and leaves nothing behind.
 */
import { createHash } from 'node:crypto';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { ConflictError } from '../../../layers/domain/errors.ts';
import type { SignupJob } from '../../../layers/domain/tenancy/provision-tenant.ts';
import {
  networkOf,
  newSignupId,
  newTenantId,
  parseSignupRequest,
} from '../../../layers/domain/tenancy/signup-request.ts';
import { signupIntake } from './signup-intake.ts';
import { signupView } from './signup-view.ts';

export const handler = httpHandler(async (event) => {
  const request = parseSignupRequest(jsonBody(event), Date.now());
  const ports = signupIntake();
  const createdAt = new Date().toISOString();
  const job: SignupJob = {
    signupId: newSignupId(),
    tenantId: newTenantId(request.companyName),
    email: request.email,
    companyName: request.companyName,
    numberType: request.numberType,
    ...(request.areaCode === undefined ? {} : { areaCode: request.areaCode }),
    state: 'provisioning',
    step: 'account',
    createdAt,
    progress: [],
    triedNumbers: [],
    failures: 0,
  };
  // Addresses are kept only as a hash, and only for the hour's count; an IPv6 client counts by its /64
  // (one subscriber's network), or a single host could take a fresh address for every sign-up.
  const client = createHash('sha256')
    .update(networkOf(event.requestContext.http.sourceIp))
    .digest('base64url')
    .slice(0, 22);
  await ports.jobs.create(job, client);
  let adminUserId: string;
  try {
    adminUserId = await ports.users.create({
      email: job.email,
      password: request.password,
      tenantId: job.tenantId,
      groups: ['admin', 'supervisor'],
    });
  } catch (error) {
    // A user half made (created, then a later call failed) goes again; one that is someone else's (the
    // email was taken) is left alone: removal checks the tenant. Then the job goes: nothing was made.
    if (!(error instanceof ConflictError))
      await ports.users.remove(job.email, job.tenantId).catch(() => undefined);
    await ports.jobs.discard(job.signupId);
    throw error;
  }
  const started: SignupJob = {
    ...job,
    adminUserId,
    step: 'tenant',
    progress: [{ step: 'account', at: new Date().toISOString() }],
  };
  await ports.jobs.started(started);
  return {
    status: 202,
    body: signupView(started),
    headers: { location: `/api/v1/signups/${started.signupId}` },
  };
});
