/**
 * The demo tenant's users in the local issuer: an admin, a supervisor and two agents, with local-only
 * passwords that `npm start` prints and `/health` lists (the local cloud listens on 127.0.0.1 only). The
 * agents get profiles (skills, queues) so they can log in and take calls.
 */
import { DynamoDbQueueDirectory } from '../../../layers/adapters/dynamodb-queue-directory.ts';
import type { AwsClients } from '../../../layers/config/aws-clients.ts';
import type { OpenlineConfig } from '../../../layers/config/config.ts';
import { ConflictError } from '../../../layers/domain/errors.ts';
import { parseAgentProfile, parseQueueConfig } from '../../../layers/domain/routing/queue-config.ts';
import type { TenantId } from '../../../layers/domain/tenancy/ids.ts';
import type { LocalIssuer } from '../local-issuer.ts';

export interface DemoUser {
  readonly email: string;
  readonly password: string;
  readonly groups: readonly ('admin' | 'supervisor' | 'agent')[];
  readonly userId?: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { email: 'admin@demo.openline.local', password: 'Demo-admin-1!', groups: ['admin', 'supervisor'] },
  { email: 'supervisor@demo.openline.local', password: 'Demo-super-1!', groups: ['supervisor'] },
  { email: 'agent1@demo.openline.local', password: 'Demo-agent-1!', groups: ['agent'] },
  { email: 'agent2@demo.openline.local', password: 'Demo-agent-2!', groups: ['agent'] },
];

/** The demo flow's queues: sales and support, longest idle first, a short wrap-up. */
export const DEMO_QUEUES = {
  sales: parseQueueConfig({
    name: 'Sales',
    strategy: 'longest-idle',
    acwSeconds: 10,
    ringTimeoutSeconds: 15,
  }),
  support: parseQueueConfig({
    name: 'Support',
    strategy: 'longest-idle',
    acwSeconds: 10,
    ringTimeoutSeconds: 15,
  }),
};

export async function seedDemoUsers(
  issuer: Pick<LocalIssuer, 'createUser' | 'findUser'>,
  tenant: TenantId,
): Promise<readonly DemoUser[]> {
  const seeded: DemoUser[] = [];
  for (const user of DEMO_USERS) {
    try {
      await issuer.createUser({ ...user, tenantId: tenant });
    } catch (error) {
      // Kept from an earlier start (--data-dir): already there.
      if (!(error instanceof ConflictError)) throw error;
    }
    seeded.push({ ...user, userId: issuer.findUser(user.email)?.userId });
  }
  return seeded;
}

/** The demo queues, and a profile for every agent user (agent id = user id) serving both queues. */
export async function seedDemoRouting(
  config: OpenlineConfig,
  clients: Pick<AwsClients, 'documents'>,
  tenant: TenantId,
  users: readonly DemoUser[],
): Promise<void> {
  const directory = new DynamoDbQueueDirectory(clients.documents, config.tables.config);
  for (const [queueId, queue] of Object.entries(DEMO_QUEUES))
    await directory.putQueue(tenant, queueId, queue);
  for (const user of users) {
    if (!user.groups.includes('agent') || user.userId === undefined) continue;
    const name = user.email.split('@')[0] as string;
    await directory.putAgentProfile(
      tenant,
      user.userId,
      parseAgentProfile({ name, skills: {}, queues: { sales: 1, support: 1 } }),
    );
  }
}
