/**
 * A contact center to test desk work in, end to end: a tenant with its own number and a published flow,
 * queues, agents logged in at desks (seated in their meetings through the virtual PSTN, with live sockets),
 * phones to call from, and callers put through to a chosen agent. `close()` logs the desks out.
 */
import { PstnClient } from '../../infra/local/chime/pstn-client.ts';
import { contactCenter, openDesk, type TestContactCenter, type TestDesk } from './contact-center.ts';
import { callersOf } from './conversation.ts';
import { type IvrTenant, ivrTenant } from './ivr-tenant.ts';
import type { localCloud } from './local-cloud.ts';

export interface DeskRig extends ReturnType<typeof callersOf> {
  readonly phones: PstnClient;
  readonly tenant: IvrTenant;
  readonly center: TestContactCenter;
  readonly desks: readonly TestDesk[];
  close(): Promise<void>;
}

/** The flow most desk tests need: every caller straight into the sales queue. */
export const STRAIGHT_TO_SALES = {
  schemaVersion: 1,
  name: 'straight to sales',
  languages: ['en-US'],
  start: 'q',
  nodes: { q: { type: 'enqueue', queue: 'sales' } },
};

export async function deskRig(
  cloud: ReturnType<typeof localCloud>,
  options: {
    name: string;
    queues: Record<string, Record<string, unknown>>;
    agents: number;
    /** The first caller's number is +1425555<firstCaller + 1>: distinct per test file. */
    firstCaller: number;
    flow?: unknown;
  },
): Promise<DeskRig> {
  const phones = await PstnClient.connect(cloud.webUrl);
  const tenant = await ivrTenant(cloud, options.name);
  await tenant.publish(options.flow ?? STRAIGHT_TO_SALES);
  const center = await contactCenter(cloud.webUrl, {
    tenantId: tenant.tenant,
    queues: options.queues,
    agents: options.agents,
  });
  const desks = await Promise.all(center.agents.map((agent) => openDesk(cloud.webUrl, agent, phones)));
  return {
    phones,
    tenant,
    center,
    desks,
    ...callersOf(phones, tenant.number, desks, options.firstCaller),
    async close() {
      await Promise.all(desks.map((desk) => desk.close()));
      phones.close();
    },
  };
}
