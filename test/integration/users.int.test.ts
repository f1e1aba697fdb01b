/**
 * A tenant's users: an admin invites people with roles; an invited user's temporary password works once,
 * to choose its own, after which its token carries its tenant and roles; an admin changes others' roles
 * but never its own, and removes users; other tenants and other roles can do none of it.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../../infra/local/jwt.ts';
import { postJson, randomTenantId, signIn, type TestUser } from '../support/auth.ts';
import { api } from '../support/contact-center.ts';
import { localCloud } from '../support/local-cloud.ts';

const { webUrl } = localCloud();
let admin: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  admin = await signIn(webUrl, { tenantId: randomTenantId('users'), groups: ['admin'] });
  outsider = await signIn(webUrl, { tenantId: randomTenantId('users-other'), groups: ['admin'] });
});

const claimsOf = (idToken: string) => decodeJwt(idToken).payload;

describe('users of a tenant', () => {
  it('invites a user whose temporary password works once, to choose its own; roles change by an admin only', async () => {
    const email = `agent-${randomUUID().slice(0, 8)}@users.test`;
    const invited = await api(webUrl, admin, 'POST', '/users', { email, groups: ['agent'] });
    expect(invited.status).toBe(201);
    const { userId, temporaryPassword } = invited.body as { userId: string; temporaryPassword: string };
    expect((await api(webUrl, admin, 'GET', '/users')).body.users).toEqual([
      expect.objectContaining({ userId, email, groups: ['agent'], invitedBy: admin.email }),
    ]);

    // First sign-in: the challenge, then a weak choice refused, then its own password.
    const first = await postJson(`${webUrl}/_auth/token`, { email, password: temporaryPassword });
    expect(first).toEqual({
      status: 401,
      body: { message: 'Choose a new password to finish signing in', challenge: 'NEW_PASSWORD_REQUIRED' },
    });
    expect(
      (
        await postJson(`${webUrl}/_auth/password`, {
          email,
          password: temporaryPassword,
          newPassword: 'weak',
        })
      ).status,
    ).toBe(400);
    const chosen = await postJson(`${webUrl}/_auth/password`, {
      email,
      password: temporaryPassword,
      newPassword: 'My-own-pass-1',
    });
    expect(chosen.status).toBe(200);
    expect(claimsOf((chosen.body as { idToken: string }).idToken)).toMatchObject({
      'custom:tenant_id': admin.tenantId,
      'cognito:groups': ['agent'],
    });
    // The temporary password is spent.
    expect((await postJson(`${webUrl}/_auth/token`, { email, password: temporaryPassword })).status).toBe(
      401,
    );
    const agentToken = (chosen.body as { idToken: string }).idToken;
    const agent = {
      ...admin,
      idToken: agentToken,
      authorization: `Bearer ${agentToken}`,
      groups: ['agent'],
    } as TestUser;

    // Roles: the agent cannot invite or change anyone (itself included); the admin changes the agent's.
    expect(
      (await api(webUrl, agent, 'POST', '/users', { email: 'x@users.test', groups: ['admin'] })).status,
    ).toBe(403);
    expect((await api(webUrl, agent, 'PUT', `/users/${userId}/groups`, { groups: ['admin'] })).status).toBe(
      403,
    );
    expect(
      (await api(webUrl, admin, 'PUT', `/users/${userId}/groups`, { groups: ['supervisor'] })).status,
    ).toBe(200);
    const again = await postJson(`${webUrl}/_auth/token`, { email, password: 'My-own-pass-1' });
    expect(claimsOf((again.body as { idToken: string }).idToken)['cognito:groups']).toEqual(['supervisor']);

    // Another tenant's admin reaches none of it; the admin cannot change or remove itself.
    expect(
      (await api(webUrl, outsider, 'PUT', `/users/${userId}/groups`, { groups: ['admin'] })).status,
    ).toBe(404);
    expect((await api(webUrl, outsider, 'DELETE', `/users/${userId}`)).status).toBe(404);
    expect(JSON.stringify((await api(webUrl, outsider, 'GET', '/users')).body)).not.toContain(email);
    expect(
      (await api(webUrl, admin, 'PUT', `/users/${admin.userId}/groups`, { groups: ['agent'] })).status,
    ).toBe(403);
    expect((await api(webUrl, admin, 'DELETE', `/users/${admin.userId}`)).status).toBe(403);

    // Bad invitations change nothing; a taken email is a conflict.
    for (const body of [
      { email: 'not-an-email', groups: ['agent'] },
      { email: 'a@users.test', groups: [] },
      { email: 'a@users.test', groups: ['root'] },
      { email: 'a@users.test', groups: ['agent'], tenantId: outsider.tenantId },
    ])
      expect((await api(webUrl, admin, 'POST', '/users', body)).status, JSON.stringify(body)).toBe(400);
    expect((await api(webUrl, admin, 'POST', '/users', { email, groups: ['agent'] })).status).toBe(409);

    // Removed, the user can no longer sign in.
    expect((await api(webUrl, admin, 'DELETE', `/users/${userId}`)).status).toBe(200);
    expect((await postJson(`${webUrl}/_auth/token`, { email, password: 'My-own-pass-1' })).status).toBe(401);
    expect((await api(webUrl, admin, 'GET', '/users')).body.users).toEqual([]);
  });
});
