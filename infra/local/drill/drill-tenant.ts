/**
 * The drill's tenant, made the way a customer makes one: signed up through the primary region's API (the
 * tenant, its starter queue and a number whose SIP rule targets both regions), a short flow published and
 * agents created there. Every item lands in the primary's global config table and reaches the standby
 * only through replication.
 *
 * Users are the exception: a Cognito user pool is regional and nothing replicates it. The drill creates
 * each user in the standby's pool too, with the same `sub` (the agent profiles are keyed by it) — a local
 * shortcut Cognito does not offer (see the drill's README for what AWS needs).
 */
import { randomUUID } from 'node:crypto';
import { solveProofOfWork } from '../../../layers/domain/tenancy/signup-request.ts';
import { STARTER_FLOW_ID, STARTER_QUEUE_ID } from '../../../layers/domain/tenancy/starter-kit.ts';
import { createAgent, issueToken } from '../agent-client.ts';

export interface DrillUser {
  readonly email: string;
  readonly password: string;
  readonly userId: string;
  readonly groups: readonly string[];
}

export interface DrillTenant {
  readonly tenantId: string;
  readonly number: string;
  readonly admin: DrillUser;
  readonly agents: readonly DrillUser[];
  readonly queueId: string;
  readonly flowId: string;
}

const SIGNUP_TIMEOUT_MS = 60_000;

/** A short flow, so a call reaches the queue in about a second: a greeting, then the queue. */
export const drillFlow = {
  schemaVersion: 1,
  name: 'failover drill',
  languages: ['en-US'],
  start: 'hello',
  nodes: {
    hello: { type: 'play', prompt: { say: { 'en-US': 'Thanks for calling.' } }, next: 'queue' },
    queue: { type: 'enqueue', queue: STARTER_QUEUE_ID },
  },
};

export async function signUpDrillTenant(primaryWebUrl: string, agentCount: number): Promise<DrillTenant> {
  const suffix = randomUUID().slice(0, 8);
  const email = `drill-admin-${suffix}@drill.example.com`;
  const password = `Drill-${suffix}-1!`;
  const accepted = await api(primaryWebUrl, 'POST', '/signups', undefined, {
    companyName: `Failover Drill ${suffix}`,
    email,
    password,
    proof: solveProofOfWork(email, Date.now()),
  });
  const signupId = accepted.signupId as string;
  const deadline = Date.now() + SIGNUP_TIMEOUT_MS;
  let view = accepted;
  while (view.state === 'provisioning') {
    if (Date.now() > deadline) throw new Error(`sign-up ${signupId} still provisioning after 60 s`);
    await new Promise((r) => setTimeout(r, 250));
    view = await api(primaryWebUrl, 'GET', `/signups/${signupId}`);
  }
  if (view.state !== 'live') throw new Error(`sign-up failed: ${String(view.error ?? view.state)}`);
  const tenantId = view.tenantId as string;
  const number = view.phoneNumber as string;
  const adminToken = await issueToken(primaryWebUrl, email, password);
  const claims = claimsOf(adminToken);
  const admin = { email, password, userId: claims.sub, groups: claims.groups };
  await api(primaryWebUrl, 'POST', `/flows/${STARTER_FLOW_ID}/versions`, adminToken, { document: drillFlow });
  const agents: DrillUser[] = [];
  for (let i = 0; i < agentCount; i++) {
    const agentEmail = `drill-agent-${i}-${suffix}@drill.example.com`;
    const agentPassword = `Agent-${suffix}-${i}!`;
    const { userId } = await createAgent(primaryWebUrl, adminToken, {
      email: agentEmail,
      password: agentPassword,
      tenantId,
      name: `Drill agent ${i}`,
      queues: { [STARTER_QUEUE_ID]: 1 },
    });
    agents.push({ email: agentEmail, password: agentPassword, userId, groups: ['agent'] });
  }
  return { tenantId, number, admin, agents, queueId: STARTER_QUEUE_ID, flowId: STARTER_FLOW_ID };
}

/** Creates the tenant's users in another region's pool with the same `sub` (the local-only shortcut). */
export async function copyUsersTo(webUrl: string, tenant: DrillTenant): Promise<void> {
  for (const user of [tenant.admin, ...tenant.agents]) {
    const response = await fetch(`${webUrl}/_auth/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: user.email,
        password: user.password,
        tenantId: tenant.tenantId,
        groups: user.groups,
        userId: user.userId,
      }),
    });
    if (response.status !== 201)
      throw new Error(
        `creating ${user.email} in ${webUrl} answered ${response.status}: ${await response.text()}`,
      );
  }
}

/** What an admin reads of the tenant's configuration through one region's API (compared across regions). */
export async function readConfiguration(webUrl: string, tenant: DrillTenant) {
  const token = await issueToken(webUrl, tenant.admin.email, tenant.admin.password);
  const get = (path: string) => api(webUrl, 'GET', path, token);
  const [me, flow, queues, agents, numbers] = await Promise.all([
    get('/me'),
    get(`/flows/${tenant.flowId}`),
    get('/queues'),
    get('/agents'),
    get('/numbers'),
  ]);
  return { me, flow, queues, agents, numbers };
}

export async function api(
  webUrl: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${webUrl}/api/v1${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} at ${webUrl} answered ${response.status}: ${text}`);
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

/** Who an ID token names (read, not verified: the token came straight from the issuer). */
function claimsOf(idToken: string): { sub: string; groups: string[] } {
  const payload = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    sub?: string;
    'cognito:groups'?: string[];
  };
  if (payload.sub === undefined) throw new Error('the ID token has no sub');
  return { sub: payload.sub, groups: payload['cognito:groups'] ?? [] };
}
