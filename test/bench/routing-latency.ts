import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { meterCapacity } from '../../bench/load/capacity-meter.ts';
import { createAgent, HeadlessAgent, issueToken } from '../../infra/local/agent-client.ts';
import { PstnClient } from '../../infra/local/chime/pstn-client.ts';
import { startLocalCloud } from '../../infra/local/local-cloud.ts';
import { throwawaySettings } from '../../infra/local/local-settings.ts';
import { createAwsClients, runtimeClients } from '../../layers/config/aws-clients.ts';
import { parseQueueConfig } from '../../layers/domain/routing/queue-config.ts';
import type { CallRouting } from '../../layers/domain/routing/routing-store.ts';
import { liveKeys } from '../../layers/resources/keys.ts';
import { ivrTenant } from '../support/ivr-tenant.ts';
import { keepResult, type Machine, resultHeader, summary } from './bench-results.ts';

interface Options {
  calls: number;
  agents: number;
  concurrency: number;
  json: boolean;
  verbose: boolean;
}

function parse(argv: string[]): Options {
  const o: Options = { calls: 100, agents: 10, concurrency: 10, json: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => Number(argv[++i]);
    if (arg === '--calls') o.calls = value();
    else if (arg === '--agents') o.agents = value();
    else if (arg === '--concurrency') o.concurrency = value();
    else if (arg === '--json') o.json = true;
    else if (arg === '--verbose') o.verbose = true;
    else
      throw new Error(`unknown option '${arg}' (use --calls N --agents A --concurrency C --json --verbose)`);
  }
  if (!(o.calls >= 1 && o.agents >= 1 && o.concurrency >= 1))
    throw new Error('--calls, --agents and --concurrency must be at least 1');
  return o;
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  const log = (line: string) => {
    if (!o.json) process.stdout.write(`${line}\n`);
  };
  log('starting an in-memory local cloud in this process...');
  const cloud = await startLocalCloud(throwawaySettings(), () => undefined);
  try {
    const webUrl = cloud.urls.web.replace(/\/$/, '');
    // The handlers run in this process: their client is metered; the benchmark's own set-up uses another.
    const capacity = meterCapacity(runtimeClients().dynamodb);
    const clients = createAwsClients(cloud.config);
    const tenant = await ivrTenant({ webUrl, env: cloud.env, config: cloud.config, clients }, 'bench');
    await clients.documents.send(
      new QueryCommand({
        TableName: cloud.config.tables.live,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'warm' },
      }),
    );
    const { DynamoDbQueueDirectory } = await import('../../layers/adapters/dynamodb-queue-directory.ts');
    await new DynamoDbQueueDirectory(clients.documents, cloud.config.tables.config).putQueue(
      tenant.tenant,
      'sales',
      parseQueueConfig({ name: 'Sales', strategy: 'longest-idle', acwSeconds: 0 }),
    );
    await tenant.publish({
      schemaVersion: 1,
      name: 'queue only',
      languages: ['en-US'],
      start: 'hi',
      nodes: {
        hi: { type: 'play', prompt: { say: { 'en-US': 'Hi.' } }, next: 'q' },
        q: { type: 'enqueue', queue: 'sales' },
      },
    });
    const adminEmail = `admin-${Date.now()}@bench.local`;
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
    const adminToken = await issueToken(webUrl, adminEmail, 'Bench-admin-1!');
    const agents: HeadlessAgent[] = [];
    for (let i = 0; i < o.agents; i++) {
      const email = `agent-${i}-${Date.now()}@bench.local`;
      await createAgent(webUrl, adminToken, {
        email,
        password: 'Bench-agent-1!',
        tenantId: tenant.tenant,
        name: `a${i}`,
        queues: { sales: 1 },
      });
      const agent = new HeadlessAgent(webUrl, `a${i}`, await issueToken(webUrl, email, 'Bench-agent-1!'), {
        answerAfterS: 0,
        talkS: 0.5,
        wrapUpS: 0,
        pollMs: 2_000,
      });
      await agent.start();
      agents.push(agent);
    }
    log(`${o.agents} agents ready; placing ${o.calls} calls, ${o.concurrency} at a time...`);

    const phones = await PstnClient.connect(webUrl);
    const callIds: string[] = [];
    let failed = 0;
    capacity.on = true;
    const began = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (next < o.calls) {
          const n = next++;
          const call = await phones.dial(`+1425555${String(1000 + n).slice(-4)}`, tenant.number);
          await call.waitFor('ended', 60_000).catch(() => call.hangup());
          const entries = await call.waitForLog(10_000).catch(() => []);
          if (!call.heard.some((h) => h.kind === 'voice')) {
            failed += 1;
            // --verbose: what the caller heard and what the SMA was told, to see why.
            if (o.verbose) log(`not connected: ${call.transactionId} ${describeCall(call.heard, entries)}`);
          }
          if (call.transactionId !== undefined) callIds.push(call.transactionId);
          if (callIds.length % 20 === 0) log(`  ${callIds.length}/${o.calls} calls`);
        }
      }),
    );
    // Let the last agents finish their wrap-up before the meter stops.
    await new Promise((r) => setTimeout(r, 1_500));
    capacity.on = false;
    const seconds = (Date.now() - began) / 1000;
    phones.close();
    await Promise.all(agents.map((a) => a.stop()));

    const assign: number[] = [];
    const offerToBridge: number[] = [];
    const readyToBridge: number[] = [];
    for (const callId of callIds) {
      const item = (
        await clients.documents.send(
          new QueryCommand({
            TableName: cloud.config.tables.live,
            KeyConditionExpression: 'pk = :pk AND sk = :sk',
            ExpressionAttributeValues: { ':pk': liveKeys.call(tenant.tenant, callId).pk, ':sk': 'STATE' },
          }),
        )
      ).Items?.[0];
      const routing = item?.routing as CallRouting | undefined;
      const offeredAt = Date.parse(routing?.timeline?.offeredAt ?? '');
      const bridged = Date.parse(String(item?.bridgeRequestedAt ?? ''));
      const both = Math.max(
        Date.parse(routing?.entry.enqueuedAt ?? ''),
        Date.parse(routing?.timeline?.agentReadySince ?? ''),
      );
      if (Number.isFinite(offeredAt) && Number.isFinite(both)) assign.push(offeredAt - both);
      if (Number.isFinite(offeredAt) && Number.isFinite(bridged)) offerToBridge.push(bridged - offeredAt);
      if (Number.isFinite(bridged) && Number.isFinite(both)) readyToBridge.push(bridged - both);
    }
    const handled = readyToBridge.length;
    const r2 = (n: number) => Math.round(n * 100) / 100;
    const result = {
      ...resultHeader(
        'routing',
        `npm run bench:routing -- --calls ${o.calls} --agents ${o.agents} --concurrency ${o.concurrency}`,
      ),
      calls: o.calls,
      agents: o.agents,
      handledCalls: handled,
      callsNotConnected: failed,
      seconds: Math.round(seconds * 10) / 10,
      dynamodbPerHandledCall: {
        readUnits: r2(capacity.read / Math.max(1, handled)),
        writeUnits: r2(capacity.write / Math.max(1, handled)),
        requests: r2(capacity.requests / Math.max(1, handled)),
        byCommand: Object.fromEntries(
          [...capacity.byCommand]
            .sort((a, b) => b[1].units - a[1].units)
            .map(([name, c]) => [
              name,
              { units: r2(c.units / Math.max(1, handled)), requests: r2(c.requests / Math.max(1, handled)) },
            ]),
        ),
      },
      latencyMs: {
        readyToOffer: summary(assign),
        offerToBridgeRequested: summary(offerToBridge),
        readyToBridgeRequested: summary(readyToBridge),
      },
      notes:
        'readyToOffer is the distributor (the later of enqueued and agent ready, to the reservation committed); offerToBridgeRequested includes the offer pushed to the headless agent over its WebSocket and the agent accepting at once (its API call).',
    };
    keepResult('routing-latency', result, markdown(result), o.json);
  } finally {
    await cloud.stop();
  }
}

function markdown(r: {
  command: string;
  date: string;
  machine: Machine;
  calls: number;
  agents: number;
  handledCalls: number;
  callsNotConnected: number;
  seconds: number;
  dynamodbPerHandledCall: {
    readUnits: number;
    writeUnits: number;
    requests: number;
    byCommand: Record<string, { units: number; requests: number }>;
  };
  latencyMs: Record<string, ReturnType<typeof summary>>;
  notes: string;
}): string {
  const row = (name: string, s: ReturnType<typeof summary>) =>
    `| ${name} | ${s.count} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.max} |`;
  return `# Routing on the local cloud: DynamoDB per call, assignment latency

Command: \`${r.command}\` (${r.date})
Machine: ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}; DynamoDB Local, the
Chime emulator, the handlers, the agents and the callers share the cores.

${r.calls} calls through a two-step flow into one queue, ${r.agents} headless agents; ${r.handledCalls} calls handled
(connected to an agent and bridged), ${r.callsNotConnected} not connected, in ${r.seconds} s.

DynamoDB per handled call, as DynamoDB reports consumed capacity to the handlers (IVR, routing, agent API):
**${r.dynamodbPerHandledCall.readUnits} read units, ${r.dynamodbPerHandledCall.writeUnits} write units**, ${r.dynamodbPerHandledCall.requests} requests.

| operation | capacity units per call | requests per call |
|---|---|---|
${Object.entries(r.dynamodbPerHandledCall.byCommand)
  .map(([name, c]) => `| ${name} | ${c.units} | ${c.requests} |`)
  .join('\n')}


Latency (ms):

| from → to | calls | p50 | p95 | p99 | max |
|---|---|---|---|---|---|
${row('ready (call waiting and agent available) → offer', r.latencyMs.readyToOffer as ReturnType<typeof summary>)}
${row('offer → bridge requested', r.latencyMs.offerToBridgeRequested as ReturnType<typeof summary>)}
${row('ready → bridge requested', r.latencyMs.readyToBridgeRequested as ReturnType<typeof summary>)}

${r.notes}
`;
}

await main();
process.exit(0);

function describeCall(heard: readonly { kind: string }[], entries: readonly unknown[]): string {
  const invocations = (entries as { kind: string; at?: string; event?: SmaEventLike; response?: unknown }[])
    .filter((e) => e.kind === 'invocation')
    .map(
      (e) =>
        `${e.at} ${e.event?.InvocationEventType}(${e.event?.ActionData?.Type ?? ''}) -> ${JSON.stringify(e.response ?? null).slice(0, 160)}`,
    );
  return `heard ${heard.map((h) => h.kind).join(',')}; ${invocations.join(' | ')}`;
}

interface SmaEventLike {
  InvocationEventType?: string;
  ActionData?: { Type?: string };
}
