/**
 * The demo tenant's users in the local issuer: an admin, a supervisor and two agents, with local-only
 * passwords that `npm start` prints and `/health` lists (the local cloud listens on 127.0.0.1 only).
 */
import { ConflictError } from '../../../layers/domain/errors.ts';
import type { TenantId } from '../../../layers/domain/tenancy/ids.ts';
import type { LocalIssuer } from '../local-issuer.ts';

export interface DemoUser {
  readonly email: string;
  readonly password: string;
  readonly groups: readonly ('admin' | 'supervisor' | 'agent')[];
}

export const DEMO_USERS: readonly DemoUser[] = [
  { email: 'admin@demo.openline.local', password: 'Demo-admin-1!', groups: ['admin', 'supervisor'] },
  { email: 'supervisor@demo.openline.local', password: 'Demo-super-1!', groups: ['supervisor'] },
  { email: 'agent1@demo.openline.local', password: 'Demo-agent-1!', groups: ['agent'] },
  { email: 'agent2@demo.openline.local', password: 'Demo-agent-2!', groups: ['agent'] },
];

export async function seedDemoUsers(
  issuer: Pick<LocalIssuer, 'createUser'>,
  tenant: TenantId,
): Promise<readonly DemoUser[]> {
  for (const user of DEMO_USERS) {
    try {
      await issuer.createUser({ ...user, tenantId: tenant });
    } catch (error) {
      // Kept from an earlier start (--data-dir): already there.
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  return DEMO_USERS;
}
