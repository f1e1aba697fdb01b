/**
 * `npm run bench`: a load on the whole contact center in the local cloud — virtual PSTN callers arriving
 * at a rate (Poisson), choosing in the IVR, waiting as long as their patience lasts; headless agents
 * answering, talking and wrapping up — with a progress line every few seconds and a final report. With
 * `--json` the report is one JSON object on the last line. Results are kept in bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PstnClient } from '../infra/local/chime/pstn-client.ts';
import { createAwsClients, runtimeClients } from '../layers/config/aws-clients.ts';
import { referenceCallCost } from '../layers/domain/cdr/price-table.ts';
import { resultHeader, summary } from '../test/bench/bench-results.ts';
import { repoRoot } from '../test/support/start-local-cloud.ts';
import { poissonArrivals, seededRandom } from './load/arrivals.ts';
import { type CallerResult, placeCall, planCallers } from './load/callers.ts';
import { meterCapacity } from './load/capacity-meter.ts';
import { checkRecords } from './load/checks.ts';
import { type BenchTenant, staffTenants, startBenchCloud } from './load/contact-center.ts';
import { type BenchOptions, parseBenchOptions, usage } from './load/options.ts';

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  const say = (line: string) => {
    if (!options.json) process.stdout.write(`${line}\n`);
    else process.stderr.write(`${line}\n`);
  };
  say(
    `profile ${options.profile}: ${options.rate} calls/s for ${options.durationS} s, ${options.agents} agents, ${options.tenants} tenants`,
  );
  say('starting the local cloud (in memory, in this process)...');
  const began = Date.now();
  const cloud = await startBenchCloud();
  try {
    // The handlers run in this process: their DynamoDB client is the one metered.
    const capacity = meterCapacity(runtimeClients().dynamodb);
    say('making tenants and agents...');
    const tenants = await staffTenants(cloud, {
      tenants: options.tenants,
      agents: options.agents,
      pace: options.pace,
      onProgress: say,
    });
    const random = seededRandom(options.seed);
    const plans = planCallers(
      poissonArrivals(random, options.rate, options.durationS),
      tenants.length,
      options.mix,
      random,
    );
    say(
      `${options.agents} agents ready after ${Math.round((Date.now() - began) / 1000)} s; offering ${plans.length} calls...`,
    );

    const phones = await PstnClient.connect(cloud.urls.web.replace(/\/$/, ''));
    const results: CallerResult[] = [];
    const started = Date.now();
    capacity.on = true;
    const progress = setInterval(() => {
      const count = (o: string) => results.filter((r) => r.outcome === o).length;
      say(
        `  ${Math.round((Date.now() - started) / 1000)} s: offered ${Math.min(plans.length, plans.filter((p) => p.at <= Date.now() - started).length)}, answered ${count('answered')}, abandoned ${count('abandoned')}, left in IVR ${count('ivr')}, lost ${count('lost')}`,
      );
    }, 5_000);
    await Promise.all(
      plans.map(async (plan) => {
        await new Promise((r) => setTimeout(r, plan.at));
        const tenant = tenants[plan.tenant] as BenchTenant;
        results.push(await placeCall(phones, tenant.number, plan));
      }),
    );
    clearInterval(progress);
    // The last agents finish their wrap-up before the meter stops.
    await new Promise((r) => setTimeout(r, (options.pace.wrapUpS + 1) * 1000));
    capacity.on = false;
    phones.close();
    await Promise.all(tenants.flatMap((t) => t.agents.map((a) => a.stop())));

    const clients = createAwsClients(cloud.config);
    const placed = results.flatMap((r) =>
      r.transactionId === undefined
        ? []
        : [{ tenant: (tenants[r.plan.tenant] as BenchTenant).tenant, callId: r.transactionId }],
    );
    const records = await checkRecords(clients.documents, cloud.config.tables.live, placed);
    clients.documents.destroy();

    const outcome = (o: string) => results.filter((r) => r.outcome === o);
    const lostCalls = new Set([
      ...outcome('lost').map((r) => r.transactionId ?? `caller ${r.plan.n}`),
      ...records.openRecords,
      ...results.filter((r) => r.transactionId === undefined).map((r) => `caller ${r.plan.n}`),
    ]);
    const answered = outcome('answered').length;
    const invocations = results.flatMap((r) => r.log.filter((e) => e.kind === 'invocation'));
    const handlerMs = invocations.map((e) => (e as { ms: number }).ms);
    const perAnswered = (n: number) => Math.round((n / Math.max(1, answered)) * 100) / 100;
    const usagePerCall = {
      dynamoReadUnits: perAnswered(capacity.read),
      dynamoWriteUnits: perAnswered(capacity.write),
      lambdaInvocations: perAnswered(invocations.length),
      lambdaMs: handlerMs.length === 0 ? 0 : handlerMs.reduce((a, b) => a + b, 0) / handlerMs.length,
    };
    const cost = referenceCallCost(usagePerCall);
    const latency = summary(records.assignLatencyMs);
    const handler = summary(handlerMs);
    const report = {
      ...resultHeader('load', `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim()),
      profile: options.profile,
      settings: { ...options, json: undefined },
      offered: plans.length,
      answered,
      abandoned: outcome('abandoned').length,
      leftInIvr: outcome('ivr').length,
      lost: lostCalls.size,
      doubleAssignments: records.doubleAssignments.length,
      callsPerSecond: sustainedRate(
        results.flatMap((r) => (r.answeredAt === undefined ? [] : [r.answeredAt])),
      ),
      offeredPerSecond: Math.round((plans.length / options.durationS) * 100) / 100,
      assignLatencyMs: { p50: latency.p50, p95: latency.p95, p99: latency.p99 },
      handlerLatencyMs: { p50: handler.p50, p99: handler.p99 },
      dynamoUnitsPerCall: { read: usagePerCall.dynamoReadUnits, write: usagePerCall.dynamoWriteUnits },
      invocationsPerCall: usagePerCall.lambdaInvocations,
      costPerCallUsd: {
        telephony: Math.round((cost.openline.telephony + cost.openline.sma) * 1e6) / 1e6,
        platform: cost.openline.platform,
        total: cost.openline.total,
        amazonConnect: cost.amazonConnect,
        referenceCall: cost.call,
        priceTable: cost.priceTable,
      },
      seconds: Math.round((Date.now() - began) / 1000),
      lostDetail: outcome('lost')
        .slice(0, 10)
        .map((r) => ({ call: r.transactionId, detail: r.detail })),
      doubleAssignmentDetail: records.doubleAssignments.slice(0, 10),
    };
    if (options.save) {
      const folder = join(repoRoot, 'bench', 'results');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, `${options.profile}.json`), `${JSON.stringify(report, null, 2)}\n`);
    }
    say(text(report));
    if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.lost === 0 && report.doubleAssignments === 0 ? 0 : 1;
  } finally {
    await cloud.stop();
  }
}

/** Answered calls per second between the first and the last answer: the rate the system kept up. */
function sustainedRate(answers: number[]): number {
  if (answers.length < 2) return 0;
  const sorted = answers.sort((a, b) => a - b);
  const span = ((sorted.at(-1) as number) - (sorted[0] as number)) / 1000;
  return span <= 0 ? 0 : Math.round(((sorted.length - 1) / span) * 100) / 100;
}

function text(r: {
  offered: number;
  answered: number;
  abandoned: number;
  leftInIvr: number;
  lost: number;
  doubleAssignments: number;
  callsPerSecond: number;
  offeredPerSecond: number;
  assignLatencyMs: { p50: number; p95: number; p99: number };
  handlerLatencyMs: { p50: number; p99: number };
  dynamoUnitsPerCall: { read: number; write: number };
  invocationsPerCall: number;
  costPerCallUsd: {
    telephony: number;
    platform: number;
    total: number;
    amazonConnect: { classic: number; current: number };
  };
  seconds: number;
}): string {
  return `
calls offered ${r.offered} (${r.offeredPerSecond}/s): answered ${r.answered}, abandoned ${r.abandoned}, left in the IVR ${r.leftInIvr}, lost ${r.lost}
double assignments ${r.doubleAssignments}; handled ${r.callsPerSecond} calls/s
assignment latency (ready → bridge requested) p50 ${r.assignLatencyMs.p50} ms, p95 ${r.assignLatencyMs.p95} ms, p99 ${r.assignLatencyMs.p99} ms
SMA handler latency p50 ${r.handlerLatencyMs.p50} ms, p99 ${r.handlerLatencyMs.p99} ms; ${r.invocationsPerCall} invocations per answered call
DynamoDB per answered call: ${r.dynamoUnitsPerCall.read} read units, ${r.dynamoUnitsPerCall.write} write units
cost of the reference call (60 s IVR, 30 s queue, 240 s talk, recorded): telephony $${r.costPerCallUsd.telephony} + platform $${r.costPerCallUsd.platform} = $${r.costPerCallUsd.total}; Amazon Connect $${r.costPerCallUsd.amazonConnect.classic} (classic) – $${r.costPerCallUsd.amazonConnect.current} (current)
${r.seconds} s in all`;
}

// `--faults`: the fault battery at full size instead of the load (bench/faults/README.md).
if (process.argv.includes('--faults')) {
  process.argv.splice(process.argv.indexOf('--faults'), 1);
  await import('./faults/run-faults.ts');
} else process.exit(await main());
