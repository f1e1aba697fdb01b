/**
 * POST /api/v1/signups (no sign-in): `{ companyName, email, password, numberType?, areaCode?, proof }`.
 * Checks everything, counts the request against its network's hour, creates the admin user (admin and
 * supervisor) with the new tenant's id, and hands the rest to the sign-up worker: 202 with the job, whose
 * progress `GET /api/v1/signups/{signupId}` shows until the number is live. An email that already has an
 * account is a 409 and leaves nothing behind.
 */
import { createHash } from 'node:crypto';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import type { SignupJob } from '../../../layers/domain/tenancy/provision-tenant.ts';
import {
  newSignupId,
  newTenantId,
  parseSignupRequest,
} from '../../../layers/domain/tenancy/signup-request.ts';
import { signupPorts } from './signup-ports.ts';
import { signupView } from './signup-view.ts';

export const handler = httpHandler(async (event) => {
  const request = parseSignupRequest(jsonBody(event), Date.now());
  const ports = signupPorts();
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
  // Addresses are kept only as a hash, and only for the hour's count.
  const client = createHash('sha256')
    .update(event.requestContext.http.sourceIp)
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
    // Nothing was made (or the email is someone else's): the job goes, the worker never sees it.
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
