/**
 * The failover drill, step by step: two regions and the phone network between them; a tenant signed up in
 * the primary and its calls answered there; the primary taken down (its process stopped, the phone network
 * not told); new calls reaching the standby through the SIP rule's failover and answered by agents who
 * log in there; configuration read through the standby's API; the primary brought back with its data; and
 * every call's record found exactly once across the two regions' lakes. Each check is recorded, and the
 * drill fails if any does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadlessAgent, issueToken } from '../agent-client.ts';
import { PstnClient } from '../chime/pstn-client.ts';
import { type AnsweredCall, placeAnsweredCall, waitForRecords } from './drill-calls.ts';
import {
  api,
  copyUsersTo,
  type DrillTenant,
  drillFlow,
  readConfiguration,
  signUpDrillTenant,
} from './drill-tenant.ts';
import { GlobalTableReplicator, type ReplicationStats } from './global-table-replicator.ts';
import { type PhoneNetwork, startPhoneNetwork } from './phone-network.ts';
import { chooseRegionPorts, RegionProcess } from './region-process.ts';

export interface DrillOptions {
  readonly primaryRegion: string;
  readonly standbyRegion: string;
  /** Calls answered in the primary before it goes down, and in the standby after. */
  readonly primaryCalls: number;
  readonly standbyCalls: number;
  readonly agents: number;
  /** Keep the regions' data folders (printed) instead of deleting them at the end. */
  readonly keepData: boolean;
}

export interface DrillCheck {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

export interface DrillResult {
  readonly passed: boolean;
  readonly checks: readonly DrillCheck[];
  readonly figures: {
    /** From the primary's process gone to the first new call answered by an agent in the standby. */
    readonly primaryDownToFirstStandbyAnswerMs: number;
    /** Within that: agents logged in at the standby, and the first call's dial to its answer. */
    readonly agentsLoggedInAtStandbyMs: number;
    readonly firstStandbyCallDialToAnswerMs: number;
    readonly primaryStopMs: number;
    readonly regionStartMs: Record<string, number>;
    readonly primaryRestartMs: number;
    /** A configuration write in one region until an admin reads it through the other region's API. */
    readonly configReplicationMs: { primaryToStandby: number; standbyToPrimaryAfterRestart: number };
    readonly callsPlaced: Record<string, number>;
    readonly callsAnswered: Record<string, number>;
    readonly cdrRows: Record<string, number>;
    readonly recordWaitMs: Record<string, number>;
    readonly replication: ReplicationStats;
  };
}

type Log = (line: string) => void;

export async function runDrill(options: DrillOptions, log: Log): Promise<DrillResult> {
  const { primaryRegion, standbyRegion } = options;
  const dataRoot = mkdtempSync(join(tmpdir(), 'openline-drill-'));
  const checks: DrillCheck[] = [];
  const taken = new Set<number>();
  const check = (name: string, passed: boolean, detail: string) => {
    checks.push({ name, passed, detail });
    log(`${passed ? 'PASS' : 'FAIL'} ${name}: ${detail}`);
  };
  const primary = new RegionProcess(
    primaryRegion,
    standbyRegion,
    await chooseRegionPorts(taken),
    join(dataRoot, primaryRegion),
    log,
  );
  const standby = new RegionProcess(
    standbyRegion,
    primaryRegion,
    await chooseRegionPorts(taken),
    join(dataRoot, standbyRegion),
    log,
  );
  const regionOf = { [primaryRegion]: primary, [standbyRegion]: standby };
  let network: PhoneNetwork | undefined;
  let replicator: GlobalTableReplicator | undefined;
  let phones: PstnClient | undefined;
  const agents: HeadlessAgent[] = [];
  const replicationErrors = new Set<string>();
  try {
    log(`starting the phone network and two regions (${primaryRegion} primary, ${standbyRegion} standby)...`);
    const net = await startPhoneNetwork(
      [primary, standby].map((r) => ({ region: r.region, webUrl: r.webUrl, s3Endpoint: r.endpoints.s3 })),
    );
    network = net;
    const [primaryStartMs, standbyStartMs] = await Promise.all([primary.start(net), standby.start(net)]);
    log(`regions ready: ${primaryRegion} in ${primaryStartMs} ms, ${standbyRegion} in ${standbyStartMs} ms`);
    replicator = new GlobalTableReplicator(
      [primary, standby].map((r) => ({ region: r.region, dynamodbEndpoint: r.endpoints.dynamodb })),
      (message) => {
        // A region that is down fails every read: say so once per kind of error, not twice a second.
        const kind = message.replace(/\d+/g, '#');
        if (!replicationErrors.has(kind)) log(`replication: ${message}`);
        replicationErrors.add(kind);
      },
    );
    replicator.start();

    log('signing a tenant up in the primary (number, queue, flow, agents through its API)...');
    const tenant = await signUpDrillTenant(primary.webUrl, options.agents);
    await copyUsersTo(standby.webUrl, tenant);
    const published = await api(
      primary.webUrl,
      'GET',
      `/flows/${tenant.flowId}`,
      await adminToken(primary, tenant),
    );
    const replicatedAfter = await untilEqual(
      () => readConfiguration(standby.webUrl, tenant).then((c) => c.flow),
      published,
      30_000,
    );
    check(
      'configuration replicates to the standby',
      replicatedAfter !== undefined,
      `the published flow readable through ${standbyRegion}'s API ${replicatedAfter ?? '—'} ms after it was read in ${primaryRegion}`,
    );
    const before = await readConfiguration(primary.webUrl, tenant);
    log(`tenant ${tenant.tenantId}, number ${tenant.number}, ${tenant.agents.length} agents`);

    phones = await PstnClient.connect(net.pstnUrl);
    const callLog = (id: string) => net.chime.engine.log.entries(id);
    agents.push(...(await logInAgents(primary, tenant, net)));
    const answered: AnsweredCall[] = [];
    const placed: Record<string, number> = { [primaryRegion]: 0, [standbyRegion]: 0 };
    const place = async (n: number) => {
      const call = await placeAnsweredCall(phones as PstnClient, callerNumber(n), tenant.number, callLog);
      answered.push(call);
      placed[call.region] = (placed[call.region] ?? 0) + 1;
      return call;
    };
    log(`placing ${options.primaryCalls} calls while ${primaryRegion} is up...`);
    for (let n = 0; n < options.primaryCalls; n++) {
      const call = await place(n);
      log(`  call ${n + 1}: answered in ${call.region} ${call.answeredAt - call.dialedAt} ms after dialling`);
    }
    const inPrimary = answered.filter((c) => c.region === primaryRegion).map((c) => c.callId);
    check(
      'calls are answered in the primary while it is up',
      inPrimary.length === options.primaryCalls,
      `${inPrimary.length} of ${options.primaryCalls}`,
    );
    const primaryRecords = await waitForRecords(
      primaryRegion,
      primary.endpoints.athena,
      tenant.tenantId,
      inPrimary,
      60_000,
    );
    log(`  their records are in ${primaryRegion}'s lake after ${primaryRecords.waitedMs} ms`);

    log(
      `taking ${primaryRegion} down (SIGTERM to its process ${primary.pid}; the phone network is not told)...`,
    );
    // Its agents lose their sessions with it; they are stopped here and log in again at the standby.
    const stopBegan = Date.now();
    await Promise.all([primary.stop(), ...agents.splice(0).map((a) => a.stop().catch(() => undefined))]);
    const down = Date.now();
    const primaryStopMs = down - stopBegan;
    log(
      `${primaryRegion} is down (stopped in ${primaryStopMs} ms); agents log in at ${standbyRegion}, a call is dialled`,
    );
    const [standbyAgents, first] = await Promise.all([
      logInAgents(standby, tenant, net).then((list) => ({ list, at: Date.now() })),
      place(options.primaryCalls),
    ]);
    agents.push(...standbyAgents.list);
    const toFirstAnswer = first.answeredAt - down;
    log(
      `first call after the outage answered in ${first.region} ${toFirstAnswer} ms after ${primaryRegion} went down`,
    );
    check(
      'a new call reaches the standby and an agent answers it',
      first.region === standbyRegion && first.targetsFailed >= 1,
      `answered in ${first.region} after ${first.targetsFailed} failed target(s), ${toFirstAnswer} ms after the primary went down`,
    );
    const after = await readConfiguration(standby.webUrl, tenant);
    const parts = ['me', 'flow', 'queues', 'agents', 'numbers'] as const;
    const differ = parts.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    check(
      'configuration is intact in the standby',
      differ.length === 0,
      differ.length === 0
        ? `${parts.join(', ')} read through ${standbyRegion}'s API equal what ${primaryRegion}'s API gave`
        : `different in ${standbyRegion}: ${differ.join(', ')}`,
    );
    check(
      'agents log in at the standby',
      standbyAgents.list.length === tenant.agents.length,
      `${standbyAgents.list.length} of ${tenant.agents.length} logged in ${standbyAgents.at - down} ms after the outage`,
    );

    for (let n = 1; n < options.standbyCalls; n++) {
      const call = await place(options.primaryCalls + n);
      log(`  call ${n + 1} in the outage: answered in ${call.region}`);
    }
    const inStandby = answered.filter((c) => c.region === standbyRegion).map((c) => c.callId);
    check(
      'calls keep reaching the standby during the outage',
      inStandby.length === options.standbyCalls,
      `${inStandby.length} of ${options.standbyCalls}`,
    );
    // A configuration change during the outage, to see it reach the primary when it returns.
    const changed = await api(
      standby.webUrl,
      'POST',
      `/flows/${tenant.flowId}/versions`,
      await adminToken(standby, tenant),
      { document: { ...drillFlow, name: 'changed during the outage' } },
    );

    log(`bringing ${primaryRegion} back with its data...`);
    const primaryRestartMs = await primary.start(net);
    const standbyFlow = await readConfiguration(standby.webUrl, tenant).then((c) => c.flow);
    const backAfter = await untilEqual(
      () => readConfiguration(primary.webUrl, tenant).then((c) => c.flow),
      standbyFlow,
      30_000,
    );
    check(
      'a change made in the standby during the outage reaches the primary when it is back',
      backAfter !== undefined,
      `flow version ${String(changed.version)} readable through ${primaryRegion}'s API ${backAfter ?? '—'} ms after its restart`,
    );

    const [primaryLake, standbyLake] = await Promise.all([
      waitForRecords(primaryRegion, primary.endpoints.athena, tenant.tenantId, inPrimary, 60_000),
      waitForRecords(standbyRegion, standby.endpoints.athena, tenant.tenantId, inStandby, 60_000),
    ]);
    const everyCall = answered.map((c) => c.callId);
    const missing = everyCall.filter((id) => !primaryLake.records.has(id) && !standbyLake.records.has(id));
    const twice = everyCall.filter((id) => primaryLake.records.has(id) && standbyLake.records.has(id));
    const strangers = [...primaryLake.records.keys(), ...standbyLake.records.keys()].filter(
      (id) => !everyCall.includes(id),
    );
    check(
      'no call record is lost',
      missing.length === 0 && twice.length === 0 && strangers.length === 0,
      `${everyCall.length} calls; records in ${primaryRegion}: ${primaryLake.records.size}, in ${standbyRegion}: ${standbyLake.records.size}; missing ${missing.length}, in both ${twice.length}, unknown ${strangers.length}`,
    );

    const passed = checks.every((c) => c.passed);
    return {
      passed,
      checks,
      figures: {
        primaryDownToFirstStandbyAnswerMs: toFirstAnswer,
        agentsLoggedInAtStandbyMs: standbyAgents.at - down,
        firstStandbyCallDialToAnswerMs: first.answeredAt - first.dialedAt,
        primaryStopMs,
        regionStartMs: { [primaryRegion]: primaryStartMs, [standbyRegion]: standbyStartMs },
        primaryRestartMs,
        configReplicationMs: {
          primaryToStandby: replicatedAfter ?? -1,
          standbyToPrimaryAfterRestart: backAfter ?? -1,
        },
        callsPlaced: placed,
        callsAnswered: {
          [primaryRegion]: inPrimary.length,
          [standbyRegion]: inStandby.length,
        },
        cdrRows: { [primaryRegion]: primaryLake.records.size, [standbyRegion]: standbyLake.records.size },
        recordWaitMs: { [primaryRegion]: primaryRecords.waitedMs, [standbyRegion]: standbyLake.waitedMs },
        replication: replicator.stats(),
      },
    };
  } finally {
    log('stopping the drill...');
    await Promise.all(agents.map((a) => a.stop().catch(() => undefined)));
    phones?.close();
    await replicator?.stop();
    await Promise.all(Object.values(regionOf).map((r) => r.stop()));
    await network?.close();
    if (options.keepData) log(`the regions' data is in ${dataRoot}`);
    else rmSync(dataRoot, { recursive: true, force: true });
  }
}

/** Signs each agent in at a region (a token from that region's issuer) and starts it there. */
async function logInAgents(
  region: RegionProcess,
  tenant: DrillTenant,
  net: PhoneNetwork,
): Promise<HeadlessAgent[]> {
  return Promise.all(
    tenant.agents.map(async (user, i) => {
      const token = await issueToken(region.webUrl, user.email, user.password);
      const agent = new HeadlessAgent(
        region.webUrl,
        `${region.region}-agent-${i}`,
        token,
        { answerAfterS: 0, talkS: 1, wrapUpS: 0, pollMs: 2_000 },
        net.pstnUrl,
      );
      await agent.start();
      return agent;
    }),
  );
}

function adminToken(region: RegionProcess, tenant: DrillTenant): Promise<string> {
  return issueToken(region.webUrl, tenant.admin.email, tenant.admin.password);
}

/** Polls until `read` gives what `expected` is; resolves with the time that took, or undefined. */
async function untilEqual(
  read: () => Promise<unknown>,
  expected: unknown,
  timeoutMs: number,
): Promise<number | undefined> {
  const began = Date.now();
  const want = JSON.stringify(expected);
  while (Date.now() - began < timeoutMs) {
    const got = await read().catch(() => undefined);
    if (JSON.stringify(got) === want) return Date.now() - began;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/** A distinct caller for each call of the drill. */
function callerNumber(n: number): string {
  return `+1425557${String(1000 + n).slice(-4)}`;
}
