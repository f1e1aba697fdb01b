/**
 * The shared access number (a marketplace's one number): a tenant's admin claims an extension code; a
 * caller dials the access number, keys the code and lands in that tenant's own flow, with the call
 * recorded as that tenant's; wrong and missing codes are asked again, then the caller is told goodbye;
 * codes are the tenant's own to list and give back.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PstnClient } from '../../infra/local/chime/pstn-client.ts';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { liveKeys } from '../../layers/resources/keys.ts';
import { signIn, type TestUser } from '../support/auth.ts';
import { api } from '../support/contact-center.ts';
import { type IvrTenant, ivrTenant } from '../support/ivr-tenant.ts';
import { localCloud } from '../support/local-cloud.ts';
import { ScriptedCaller } from '../support/scripted-caller.ts';

const cloud = localCloud();
const { webUrl } = cloud;
let shop: IvrTenant;
let admin: TestUser;
let accessNumber: string;
let phones: PstnClient;

beforeAll(async () => {
  shop = await ivrTenant(cloud, 'mall-shop');
  await shop.publish({
    schemaVersion: 1,
    name: 'shop flow',
    languages: ['en-US'],
    start: 'hello',
    nodes: {
      hello: { type: 'play', prompt: { say: { 'en-US': 'You have reached the Tea Stall.' } }, next: 'menu' },
      menu: {
        type: 'menu',
        prompt: { say: { 'en-US': 'For green tea, press 1.' } },
        options: { '1': 'bye' },
        timeoutSeconds: 5,
        attempts: 1,
        exhausted: 'bye',
      },
      bye: { type: 'hangup', prompt: { say: { 'en-US': 'Enjoy your tea.' } } },
    },
  });
  admin = await signIn(webUrl, { tenantId: shop.tenant, groups: ['admin'] });
  phones = await PstnClient.connect(webUrl);
  const health = (await (await fetch(`${webUrl}/health`)).json()) as { telephony: { accessNumber: string } };
  accessNumber = health.telephony.accessNumber;
});
afterAll(() => phones?.close());

describe('the shared access number', () => {
  it('takes a caller who keys a tenant’s code into that tenant’s flow, recorded as the tenant’s call', async () => {
    const claimed = await api(webUrl, admin, 'POST', '/extensions', {});
    expect(claimed.status).toBe(201);
    const { code } = claimed.body as { code: string };
    expect(code).toMatch(/^[1-9]\d{5}$/);
    expect((await api(webUrl, admin, 'GET', '/extensions')).body).toMatchObject({
      accessNumber,
      extensions: [{ accessNumber, code, flowId: 'main' }],
    });

    const call = await ScriptedCaller.dial(accessNumber);
    await call.hears(/Please enter the six digit code of the shop you are calling/);
    call.press('123#'); // too short: asked again
    await call.hears(/not the code of a shop we know/);
    await call.hears(/Please enter the six digit code of the shop/);
    call.press(`${code}#`);
    await call.hears(/You have reached the Tea Stall/);
    await call.hears(/For green tea, press 1/);
    call.press('1');
    await call.hears(/Enjoy your tea/);
    await call.ends();

    const record = await cloud.clients.documents.send(
      new GetCommand({
        TableName: cloud.config.tables.live,
        Key: liveKeys.call(tenantId(shop.tenant), call.call.transactionId ?? ''),
        ConsistentRead: true,
      }),
    );
    expect(record.Item).toMatchObject({ dialled: accessNumber, flowId: 'main' });
  });

  it('says goodbye after three tries without a shop’s code', async () => {
    const call = await ScriptedCaller.dial(accessNumber);
    await call.hears(/six digit code of the shop you are calling/);
    call.press('999998#');
    await call.hears(/not the code of a shop we know/);
    await call.hears(/six digit code/);
    await call.hears(/I did not hear a code/, 20_000); // silence
    await call.hears(/six digit code/);
    call.press('999997#');
    await call.hears(/We could not find that shop/);
    await call.ends();
  });

  it('lets only the tenant holding a code give it back, and caps the codes a tenant holds', async () => {
    const other = await signIn(webUrl, {
      tenantId: (await ivrTenant(cloud, 'mall-other')).tenant,
      groups: ['admin'],
    });
    const { code } = (await api(webUrl, admin, 'POST', '/extensions', {})).body as { code: string };
    const stolen = await api(webUrl, other, 'DELETE', `/extensions/${code}`);
    expect(stolen.status).toBe(404);
    expect(JSON.stringify((await api(webUrl, other, 'GET', '/extensions')).body)).not.toContain(code);
    expect((await api(webUrl, admin, 'POST', '/extensions', { flowId: 'nope' })).status).toBe(400);
    expect((await api(webUrl, admin, 'POST', '/extensions', { flowId: 'main', extra: 1 })).status).toBe(400);
    for (let held = 2; held < 5; held++)
      expect((await api(webUrl, admin, 'POST', '/extensions', {})).status).toBe(201);
    const sixth = await api(webUrl, admin, 'POST', '/extensions', {});
    expect(sixth.status).toBe(409);
    expect((await api(webUrl, admin, 'DELETE', `/extensions/${code}`)).status).toBe(200);
    expect((await api(webUrl, admin, 'DELETE', `/extensions/${code}`)).status).toBe(404);
    // A code given back reaches no one.
    const call = await ScriptedCaller.dial(accessNumber);
    await call.hears(/six digit code/);
    call.press(`${code}#`);
    await call.hears(/not the code of a shop we know/);
    call.hangUp();
  });
});
