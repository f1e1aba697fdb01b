/**
 * Per-tenant limits against the local cloud: a tenant whose operator-set API rate is low gets 429s with
 * Retry-After when it bursts past it, while another tenant bursting at the same moment is served in full;
 * a second later the first tenant is served again.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { configKeys } from '../../layers/resources/keys.ts';
import { randomTenantId, signIn } from '../support/auth.ts';
import { localCloud } from '../support/local-cloud.ts';

const cloud = localCloud();
const { webUrl } = cloud;

describe('per-tenant limits', () => {
  it('refuses a noisy tenant past its API rate, with Retry-After, and serves the others meanwhile', async () => {
    const noisy = await signIn(webUrl, { tenantId: randomTenantId('noisy'), groups: ['admin'] });
    const quiet = await signIn(webUrl, { tenantId: randomTenantId('quiet'), groups: ['admin'] });
    // The operator sets the noisy tenant's limit (tenants cannot raise their own).
    await cloud.clients.documents.send(
      new PutCommand({
        TableName: cloud.config.tables.config,
        Item: {
          ...configKeys.limits(tenantId(noisy.tenantId)),
          type: 'limits',
          limits: { apiRequestsPerSecond: 5 },
        },
      }),
    );
    const burst = (user: typeof noisy) =>
      Promise.all(
        Array.from({ length: 30 }, () =>
          fetch(`${webUrl}/api/v1/me`, { headers: { authorization: user.authorization } }),
        ),
      );
    const started = Date.now();
    const [loud, calm] = await Promise.all([burst(noisy), burst(quiet)]);
    // Each second the burst touched let at most 5 through.
    const seconds = Math.floor(Date.now() / 1000) - Math.floor(started / 1000) + 1;
    const refused = loud.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(loud.filter((r) => r.status === 200).length).toBeLessThanOrEqual(5 * seconds);
    const first = refused[0] as Response;
    expect(first.headers.get('retry-after')).toBe('1');
    expect(((await first.json()) as { message: string }).message).toMatch(/over its 5 API requests a second/);
    expect(calm.map((r) => r.status)).toEqual(Array(30).fill(200));

    await new Promise((r) => setTimeout(r, 1_100));
    const later = await fetch(`${webUrl}/api/v1/me`, { headers: { authorization: noisy.authorization } });
    expect(later.status).toBe(200);
  });
});
