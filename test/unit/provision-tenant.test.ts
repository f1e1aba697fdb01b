/**
 * The sign-up job's steps against in-memory ports (pure domain logic): a number lost to another buyer is
 * searched again and never retried; failures undo everything made, in any step; a step run twice is
 * harmless.
 */
import { describe, expect, it } from 'vitest';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { leadingZeroBits } from '../../layers/domain/tenancy/proof-of-work.ts';
import {
  advance,
  isFinished,
  MAX_STEP_FAILURES,
  needsWorker,
  ORDER_SETTLE_MS,
  type OrderStatus,
  type ProvisioningPorts,
  type SignupJob,
  stepFailed,
} from '../../layers/domain/tenancy/provision-tenant.ts';
import {
  networkOf,
  newTenantId,
  parseSignupRequest,
  solveProofOfWork,
} from '../../layers/domain/tenancy/signup-request.ts';

function world(options: { available: string[]; lostOrders?: string[]; failSteps?: Set<string> }) {
  const made = {
    tenants: new Set<string>(),
    rules: new Map<string, string>(),
    owned: new Set<string>(),
    routes: new Map<string, string>(),
    users: new Set<string>(['owner@x.test']),
  };
  const orders = new Map<string, { e164: string; status: OrderStatus }>();
  let clock = Date.parse('2026-11-24T10:00:00Z');
  const maybeFail = (step: string) => {
    if (options.failSteps?.has(step)) throw new Error(`${step} is down`);
  };
  const ports: ProvisioningPorts = {
    numbers: {
      search: async ({ exclude }) =>
        options.available.filter((n) => !exclude.includes(n) && !made.owned.has(n)),
      order: async (e164) => {
        maybeFail('order');
        const id = `order-${orders.size}`;
        const lost = options.lostOrders?.includes(e164) ?? false;
        orders.set(id, { e164, status: lost ? 'failed' : 'successful' });
        if (!lost) made.owned.add(e164);
        return id;
      },
      orderStatus: async (id) => orders.get(id)?.status ?? 'failed',
      sipRule: async (e164) => {
        maybeFail('sipRule');
        const id = made.rules.get(e164) ?? `rule-${e164}`;
        made.rules.set(e164, id);
        return id;
      },
      findRule: async (e164) => made.rules.get(e164),
      deleteSipRule: async (id) => {
        for (const [n, r] of made.rules) if (r === id) made.rules.delete(n);
      },
      release: async (e164) => {
        made.owned.delete(e164);
      },
    },
    tenants: {
      create: async (t) => {
        made.tenants.add(t);
      },
      assignNumber: async (t, e164) => {
        maybeFail('assign');
        made.routes.set(e164, t);
      },
      unassignNumber: async (t, e164) => {
        if (made.routes.get(e164) === t) made.routes.delete(e164);
      },
      activate: async () => undefined,
      remove: async (t, e164) => {
        made.tenants.delete(t);
        if (e164 !== undefined && made.routes.get(e164) === t) made.routes.delete(e164);
      },
    },
    users: {
      remove: async (email) => {
        made.users.delete(email);
      },
    },
    sipTargets: async () => [{ region: 'us-east-1', sipMediaApplicationId: 'sma-1' }],
    now: () => clock,
  };
  const job: SignupJob = {
    signupId: 's1',
    tenantId: tenantId('acme-abc123'),
    email: 'owner@x.test',
    companyName: 'Acme',
    numberType: 'local',
    state: 'provisioning',
    step: 'tenant',
    createdAt: new Date(clock).toISOString(),
    progress: [{ step: 'account', at: new Date(clock).toISOString() }],
    triedNumbers: [],
    failures: 0,
  };
  /** Runs the job as the worker does, counting errors, until it finishes. */
  const run = async (start = job) => {
    let current = start;
    for (let i = 0; i < 100 && !isFinished(current); i++) {
      clock += 100;
      try {
        current = (await advance(current, ports)).job;
      } catch (error) {
        current = stepFailed(current, error);
      }
    }
    return current;
  };
  return { made, ports, job, run, tick: (ms: number) => (clock += ms) };
}

describe('sign-up provisioning', () => {
  it('goes live with the first number it can order, and routes it to the tenant', async () => {
    const w = world({ available: ['+13125550100', '+13125550101'] });
    const done = await w.run();
    expect(done).toMatchObject({
      state: 'live',
      phoneNumber: '+13125550100',
      sipRuleId: 'rule-+13125550100',
    });
    expect(done.progress.map((p) => p.step)).toEqual([
      'account',
      'tenant',
      'number',
      'order',
      'routing',
      'activate',
    ]);
    expect(w.made.routes.get('+13125550100')).toBe('acme-abc123');
  });

  it('searches again when another buyer won the number, never trying it twice', async () => {
    const w = world({ available: ['+13125550100', '+13125550101'], lostOrders: ['+13125550100'] });
    const done = await w.run();
    expect(done.state).toBe('live');
    expect(done.phoneNumber).toBe('+13125550101');
    expect(done.triedNumbers).toEqual(['+13125550100']);
  });

  it('gives up after five lost orders and undoes the tenant and the user', async () => {
    const numbers = Array.from({ length: 6 }, (_, i) => `+1312555010${i}`);
    const w = world({ available: numbers, lostOrders: numbers });
    const done = await w.run();
    expect(done.state).toBe('failed');
    expect(done.error).toMatch(/taken by someone else/);
    expect(w.made.tenants.size).toBe(0);
    expect(w.made.users.size).toBe(0);
  });

  it('undoes the number, its rule and the tenant when a later step keeps failing', async () => {
    const w = world({ available: ['+13125550100'], failSteps: new Set(['assign']) });
    const done = await w.run();
    expect(done.state).toBe('failed');
    expect(done.error).toBe('setting up your contact center failed: nothing was kept, please try again');
    expect(done.failures).toBe(0);
    expect([...w.made.owned, ...w.made.rules.keys(), ...w.made.routes.keys(), ...w.made.tenants]).toEqual([]);
    expect(w.made.users.size).toBe(0);
  });

  it('adds another number to a live tenant, and undoing that touches only the number', async () => {
    const w = world({ available: ['+13125550100'], failSteps: new Set(['assign']) });
    w.made.tenants.add('acme-abc123');
    const done = await w.run({ ...w.job, kind: 'number', step: 'number', progress: [] });
    expect(done.state).toBe('failed');
    expect([...w.made.owned, ...w.made.rules.keys(), ...w.made.routes.keys()]).toEqual([]);
    expect([...w.made.tenants]).toEqual(['acme-abc123']);
    expect(w.made.users.size).toBe(1);
    const ok = world({ available: ['+13125550100'] });
    const live = await ok.run({ ...ok.job, kind: 'number', step: 'number', progress: [] });
    expect(live).toMatchObject({ state: 'live', phoneNumber: '+13125550100' });
  });

  it('waits for a running order before undoing, so its number is released rather than lost', async () => {
    const w = world({ available: [] });
    const ports = {
      ...w.ports,
      numbers: { ...w.ports.numbers, orderStatus: async () => 'processing' as const },
    };
    const stuck = {
      ...w.job,
      step: 'undo' as const,
      phoneNumber: '+13125550100',
      orderId: 'order-x',
      orderedAt: new Date(w.ports.now()).toISOString(),
    };
    const waited = await advance(stuck, ports);
    expect(waited.waitMs).toBeGreaterThan(0);
    expect(waited.job).toBe(stuck);
    w.tick(ORDER_SETTLE_MS + 1);
    expect((await advance(stuck, ports)).job.state).toBe('failed');
  });

  it('counts step errors and only undoes after the limit', () => {
    const w = world({ available: [] });
    let job = w.job;
    for (let i = 1; i < MAX_STEP_FAILURES; i++) {
      job = stepFailed(job, new Error('flaky'));
      expect(job).toMatchObject({ step: 'tenant', failures: i });
    }
    expect(stepFailed(job, new Error('flaky')).step).toBe('undo');
  });

  it('tolerates a step run twice (a worker that crashed before saving)', async () => {
    const w = world({ available: ['+13125550100'] });
    let job = w.job;
    while (job.step !== 'routing') job = (await advance(job, w.ports)).job;
    const afterRule = (await advance(job, w.ports)).job; // the rule is made; saving it is lost
    expect(afterRule.sipRuleId).toBeDefined();
    const again = (await advance(job, w.ports)).job; // the same step again finds the same rule
    expect(again.sipRuleId).toBe(afterRule.sipRuleId);
    expect(w.made.rules.size).toBe(1);
  });

  it('leaves a job at its first step to the sign-up request, until that request must have ended', () => {
    const w = world({ available: [] });
    const fresh = { ...w.job, step: 'account' as const, createdAt: new Date().toISOString() };
    expect(needsWorker(fresh, Date.now())).toBe(false);
    expect(needsWorker(fresh, Date.now() + 61_000)).toBe(true);
  });
});

describe('sign-up requests', () => {
  const valid = (email = 'ada@example.com') => ({
    companyName: 'Ada’s Analytical Engines',
    email,
    password: 'Babbage-1834!',
    proof: solveProofOfWork(email, Date.now()),
  });

  it('accepts a valid request with a proof of work bound to the email', () => {
    expect(parseSignupRequest(valid(), Date.now())).toMatchObject({
      numberType: 'local',
      email: 'ada@example.com',
    });
    const stolen = { ...valid(), email: 'eve@example.com' };
    expect(() => parseSignupRequest(stolen, Date.now())).toThrow(/the sign-up is not valid/);
  });

  it('lists every problem at once', () => {
    try {
      parseSignupRequest({ ...valid(), password: 'abc', companyName: '<b>', numberType: 'fax' }, Date.now());
      expect.unreachable();
    } catch (error) {
      const paths = (error as { problems: { path: string }[] }).problems.map((p) => p.path);
      expect(new Set(paths)).toEqual(new Set(['companyName', 'numberType', 'password']));
    }
  });

  it('refuses an old proof', () => {
    const old = { ...valid(), proof: solveProofOfWork('ada@example.com', Date.now() - 31 * 60_000) };
    expect(() => parseSignupRequest(old, Date.now())).toThrow();
  });

  it('counts leading zero bits', () => {
    expect(leadingZeroBits(new Uint8Array([0, 0, 0x80]))).toBe(16);
    expect(leadingZeroBits(new Uint8Array([0, 0x0f]))).toBe(12);
  });

  it('counts sign-ups by IPv4 address, and by /64 network for IPv6', () => {
    expect(networkOf('203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf('2001:db8:1:2:3:4:5:6')).toBe('2001:0db8:0001:0002::/64');
    expect(networkOf('2001:db8:1:2::99')).toBe(networkOf('2001:db8:1:2:ffff::1'));
    expect(networkOf('2001:db8::1')).toBe('2001:0db8:0000:0000::/64');
  });

  it('makes readable tenant ids from any company name', () => {
    expect(newTenantId('Acme Bakery, Inc.')).toMatch(/^acme-bakery-inc-[a-z0-9]{6}$/);
    expect(newTenantId('北京烤鸭')).toMatch(/^tenant-[a-z0-9]{6}$/);
    expect(newTenantId('A'.repeat(80))).toMatch(/^a{24}-[a-z0-9]{6}$/);
  });
});
