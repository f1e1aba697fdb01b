/**
 * The contact center a load runs against: an in-memory local cloud in this process (so the handlers'
 * DynamoDB client can be metered), tenants each with a number, a menu flow ("1" for sales, "2" to leave)
 * and a sales queue, and headless agents spread over the tenants who answer, talk, hang up and wrap up.
 */
import { createAgent, HeadlessAgent, issueToken } from '../../infra/local/agent-client.ts';
import { type LocalCloud, startLocalCloud } from '../../infra/local/local-cloud.ts';
import { throwawaySettings } from '../../infra/local/local-settings.ts';
import { DynamoDbQueueDirectory } from '../../layers/adapters/dynamodb-queue-directory.ts';
import { createAwsClients } from '../../layers/config/aws-clients.ts';
import { parseQueueConfig } from '../../layers/domain/routing/queue-config.ts';
import { type IvrTenant, ivrTenant } from '../../test/support/ivr-tenant.ts';

export interface AgentPace {
  readonly answerAfterS: number;
  readonly talkS: number;
  readonly wrapUpS: number;
}

export interface BenchTenant extends IvrTenant {
  readonly agents: HeadlessAgent[];
}

/** The menu every bench tenant publishes; the callers know its prompt. */
export const MENU_PROMPT = 'For sales press 1. To leave press 2.';

export async function startBenchCloud(): Promise<LocalCloud> {
  return startLocalCloud(throwawaySettings(), () => undefined);
}

/** Makes `tenants` tenants and `agents` agents (round-robin over the tenants), all logged in and ready. */
export async function staffTenants(
  cloud: LocalCloud,
  options: { tenants: number; agents: number; pace: AgentPace; onProgress?: (line: string) => void },
): Promise<BenchTenant[]> {
  const webUrl = cloud.urls.web.replace(/\/$/, '');
  const clients = createAwsClients(cloud.config);
  const stamp = Date.now();
  const tenants: BenchTenant[] = [];
  const adminTokens: string[] = [];
  for (let t = 0; t < options.tenants; t++) {
    const tenant = await ivrTenant({ webUrl, env: cloud.env, config: cloud.config, clients }, `bench${t}`);
    await new DynamoDbQueueDirectory(clients.documents, cloud.config.tables.config).putQueue(
      tenant.tenant,
      'sales',
      parseQueueConfig({ name: 'Sales', strategy: 'longest-idle', acwSeconds: null }),
    );
    await tenant.publish({
      schemaVersion: 1,
      name: 'bench menu',
      languages: ['en-US'],
      start: 'menu',
      nodes: {
        menu: {
          type: 'menu',
          prompt: { say: { 'en-US': MENU_PROMPT } },
          options: { '1': 'sales', '2': 'bye' },
          timeoutSeconds: 8,
          exhausted: 'bye',
        },
        sales: { type: 'enqueue', queue: 'sales' },
        bye: { type: 'hangup', prompt: { say: { 'en-US': 'Goodbye.' } } },
      },
    });
    const adminEmail = `admin-${t}-${stamp}@bench.local`;
    await fetch(`${webUrl}/_auth/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: adminEmail,
        password: 'Bench-admin-1!',
        tenantId: tenant.tenant,
        groups: ['admin'],
      }),
    });
    tenants.push({ ...tenant, agents: [] });
    adminTokens.push(await issueToken(webUrl, adminEmail, 'Bench-admin-1!'));
  }
  for (let i = 0; i < options.agents; i++) {
    const tenant = tenants[i % tenants.length] as BenchTenant;
    const email = `agent-${i}-${stamp}@bench.local`;
    const { userId } = await createAgent(webUrl, adminTokens[i % tenants.length] as string, {
      email,
      password: 'Bench-agent-1!',
      tenantId: tenant.tenant,
      name: `agent-${i}`,
      queues: { sales: 1 },
    });
    const agent = new HeadlessAgent(webUrl, userId, await issueToken(webUrl, email, 'Bench-agent-1!'), {
      ...options.pace,
      greeting: 'Hello, this is the bench agent.',
      pollMs: 2_000,
    });
    await agent.start();
    tenant.agents.push(agent);
    if ((i + 1) % 50 === 0) options.onProgress?.(`  ${i + 1}/${options.agents} agents ready`);
  }
  clients.documents.destroy();
  return tenants;
}
