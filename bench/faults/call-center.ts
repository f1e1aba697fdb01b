/**
 * The contact center a fault scenario drives: a tenant with its own number, a flow that greets and queues
 * every caller in `sales` (longest-idle, 15 s ring timeout, no after-call work), and headless agents
 * logged in through the agent API who answer at once, talk, hang up and wrap up.
 */
import { createAgent, HeadlessAgent, issueToken } from '../../infra/local/agent-client.ts';
import { DynamoDbQueueDirectory } from '../../layers/adapters/dynamodb-queue-directory.ts';
import { parseQueueConfig } from '../../layers/domain/routing/queue-config.ts';
import { type IvrTenant, ivrTenant } from '../../test/support/ivr-tenant.ts';
import type { FaultCloud } from './fault-cloud.ts';

/** The queue's ring timeout: an offer not accepted by then goes back to the queue. */
export const RING_TIMEOUT_S = 15;

export interface CallCenter {
  readonly tenant: IvrTenant;
  readonly agents: readonly HeadlessAgent[];
  /** Agent API errors the headless agents met (a fault that reached them), by message. */
  readonly agentErrors: string[];
  close(): Promise<void>;
}

export async function openCallCenter(
  fc: FaultCloud,
  options: { agents: number; talkS: number; prefix: string },
): Promise<CallCenter> {
  const { config, clients } = fc.checker;
  const tenant = await ivrTenant({ webUrl: fc.webUrl, env: fc.cloud.env, config, clients }, options.prefix);
  await new DynamoDbQueueDirectory(clients.documents, config.tables.config).putQueue(
    tenant.tenant,
    'sales',
    parseQueueConfig({
      name: 'Sales',
      strategy: 'longest-idle',
      acwSeconds: 0,
      ringTimeoutSeconds: RING_TIMEOUT_S,
      maxSize: 1000,
    }),
  );
  await tenant.publish({
    schemaVersion: 1,
    name: 'greet and queue',
    languages: ['en-US'],
    start: 'hi',
    nodes: {
      hi: { type: 'play', prompt: { say: { 'en-US': 'Hi.' } }, next: 'q' },
      q: { type: 'enqueue', queue: 'sales' },
    },
  });
  const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const adminEmail = `admin-${stamp}@faults.local`;
  const created = await fetch(`${fc.webUrl}/_auth/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: adminEmail,
      password: 'Faults-admin-1!',
      tenantId: tenant.tenant,
      groups: ['admin'],
    }),
  });
  if (!created.ok) throw new Error(`creating the admin answered ${created.status}`);
  const adminToken = await issueToken(fc.webUrl, adminEmail, 'Faults-admin-1!');
  const agents: HeadlessAgent[] = [];
  const agentErrors: string[] = [];
  for (let i = 0; i < options.agents; i++) {
    const email = `agent-${i}-${stamp}@faults.local`;
    await createAgent(fc.webUrl, adminToken, {
      email,
      password: 'Faults-agent-1!',
      tenantId: tenant.tenant,
      name: `a${i}`,
      queues: { sales: 1 },
    });
    const agent = new HeadlessAgent(
      fc.webUrl,
      `a${i}`,
      await issueToken(fc.webUrl, email, 'Faults-agent-1!'),
      // The poll is the agents' safety net for an offer whose push was lost to a fault.
      { answerAfterS: 0, talkS: options.talkS, wrapUpS: 0, pollMs: 1_000 },
    );
    agent.on('event', (e: { kind: string; detail?: string }) => {
      if (e.kind === 'error') agentErrors.push(e.detail ?? 'unknown');
    });
    await agent.start();
    agents.push(agent);
  }
  return {
    tenant,
    agents,
    agentErrors,
    async close() {
      await Promise.all(agents.map((a) => a.stop()));
    },
  };
}
