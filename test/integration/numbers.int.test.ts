/**
 * A tenant's numbers through the API: list them, order another (the sign-up worker's number steps: search,
 * order, SIP rule to both regions, route to the main flow) and call it, release one (its calls stop
 * reaching the tenant), one order at a time; and the operator's limits on numbers and agents.
 */
import { GetPhoneNumberCommand, ListSipRulesCommand } from '@aws-sdk/client-chime-sdk-voice';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { configKeys } from '../../layers/resources/keys.ts';
import { randomTenantId, signIn, type TestUser } from '../support/auth.ts';
import { api } from '../support/contact-center.ts';
import { type IvrTenant, ivrTenant } from '../support/ivr-tenant.ts';
import { localCloud } from '../support/local-cloud.ts';
import { ScriptedCaller } from '../support/scripted-caller.ts';

const cloud = localCloud();
const { webUrl } = cloud;
let shop: IvrTenant;
let admin: TestUser;

/** The operator's limits for a tenant, set before the tenant's first request (handlers cache them). */
async function setLimits(tenant: string, limits: Record<string, number>) {
  await cloud.clients.documents.send(
    new PutCommand({
      TableName: cloud.config.tables.config,
      Item: { ...configKeys.limits(tenantId(tenant)), type: 'limits', limits },
    }),
  );
}

async function orderDone(user: TestUser, orderId: string) {
  for (let i = 0; i < 150; i++) {
    const order = await api(webUrl, user, 'GET', `/numbers/orders/${orderId}`);
    expect(order.status).toBe(200);
    if (order.body.state !== 'provisioning') return order.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the number order did not finish in 15 s');
}

beforeAll(async () => {
  shop = await ivrTenant(cloud, 'numbers');
  await setLimits(shop.tenant, { phoneNumbers: 2 });
  await shop.publish({
    schemaVersion: 1,
    name: 'numbers flow',
    languages: ['en-US'],
    start: 'hi',
    nodes: { hi: { type: 'hangup', prompt: { say: { 'en-US': 'Numbers shop, goodbye.' } } } },
  });
  admin = await signIn(webUrl, { tenantId: shop.tenant, groups: ['admin'] });
});

describe('a tenant’s numbers', () => {
  it('orders another number, one order at a time, that answers with the tenant’s flow', async () => {
    expect((await api(webUrl, admin, 'GET', '/numbers')).body).toMatchObject({
      numbers: [{ e164: shop.number, flowId: 'main' }],
      limit: 2,
    });
    const [first, second] = await Promise.all([
      api(webUrl, admin, 'POST', '/numbers', { areaCode: '212' }),
      api(webUrl, admin, 'POST', '/numbers', { areaCode: '212' }),
    ]);
    expect([first.status, second.status].sort()).toEqual([202, 409]);
    const accepted = first.status === 202 ? first : second;
    const refused = first.status === 202 ? second : first;
    expect(refused.body.message).toMatch(/another number is being ordered/);
    const done = await orderDone(admin, accepted.body.orderId as string);
    expect(done).toMatchObject({ state: 'live', phoneNumber: expect.stringMatching(/^\+1212555\d{4}$/) });
    const added = done.phoneNumber as string;
    const listed = (await api(webUrl, admin, 'GET', '/numbers')).body.numbers as { e164: string }[];
    expect(listed.map((n) => n.e164).sort()).toEqual([added, shop.number].sort());

    const call = await ScriptedCaller.dial(added);
    await call.hears(/Numbers shop, goodbye/);
    await call.ends();

    // At its limit (2), the tenant is told so; bad orders are refused with the reason.
    const over = await api(webUrl, admin, 'POST', '/numbers', {});
    expect(over.status).toBe(409);
    expect(over.body.message).toMatch(/holds its 2 numbers \(its limit\)/);
    expect(
      (await api(webUrl, admin, 'POST', '/numbers', { numberType: 'toll-free', areaCode: '212' })).status,
    ).toBe(400);

    // Another tenant can neither see the order nor release the number.
    const other = await signIn(webUrl, { tenantId: randomTenantId('numbers-other'), groups: ['admin'] });
    expect((await api(webUrl, other, 'GET', `/numbers/orders/${accepted.body.orderId}`)).status).toBe(404);
    expect((await api(webUrl, other, 'DELETE', `/numbers/${encodeURIComponent(added)}`)).status).toBe(404);
    expect(JSON.stringify((await api(webUrl, other, 'GET', '/numbers')).body)).not.toContain(added);

    // Released, the number no longer reaches the tenant.
    const released = await api(webUrl, admin, 'DELETE', `/numbers/${encodeURIComponent(added)}`);
    expect(released.status).toBe(200);
    expect((await api(webUrl, admin, 'GET', '/numbers')).body.numbers).toEqual([
      expect.objectContaining({ e164: shop.number }),
    ]);
    const after = await ScriptedCaller.dial(added);
    await after.call.waitFor('ended', 15_000);
    expect(after.transcript()).not.toMatch(/Numbers shop/);
    expect((await api(webUrl, admin, 'DELETE', `/numbers/${encodeURIComponent(added)}`)).status).toBe(404);
    // …and went back to the carrier: its SIP rule deleted, the number being deleted.
    const voice = cloud.clients.chimeSdkVoice;
    const rules = (await voice.send(new ListSipRulesCommand({}))).SipRules ?? [];
    expect(rules.filter((r) => r.TriggerValue === added)).toEqual([]);
    const gone = await voice.send(new GetPhoneNumberCommand({ PhoneNumberId: added }));
    expect(gone.PhoneNumber?.Status).toBe('DeleteInProgress');
  });

  it('holds a tenant to its agent limit, while changing an existing agent stays possible', async () => {
    const tenant = randomTenantId('seats');
    await setLimits(tenant, { agents: 2 });
    const seatsAdmin = await signIn(webUrl, { tenantId: tenant, groups: ['admin'] });
    const profile = { name: 'A', skills: {}, queues: {} };
    expect((await api(webUrl, seatsAdmin, 'PUT', '/agents/one', profile)).status).toBe(200);
    expect((await api(webUrl, seatsAdmin, 'PUT', '/agents/two', profile)).status).toBe(200);
    const third = await api(webUrl, seatsAdmin, 'PUT', '/agents/three', profile);
    expect(third.status).toBe(409);
    expect(third.body.message).toMatch(/has its 2 agents \(its limit\)/);
    expect(
      (await api(webUrl, seatsAdmin, 'PUT', '/agents/two', { ...profile, name: 'Renamed' })).status,
    ).toBe(200);
  });
});
