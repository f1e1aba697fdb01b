/**
 * How soon a call's row can be queried: starts the program `npm start` runs, places calls one after the
 * other (a short flow that hangs up), and for each polls the reports API (Athena's API over the lake)
 * from the moment the caller's line went dead until the call's row is there. The path measured is the
 * whole pipeline: live table stream → collector → Kinesis → lake writer (Parquet to S3) → query.
 *
 *   npm run bench:lake -- [--calls 10] [--json]
 */
import { PstnClient } from '../../infra/local/chime/pstn-client.ts';
import { handlerEnvironmentFromHealth } from '../../infra/local/handler-environment.ts';
import { createAwsClients } from '../../layers/config/aws-clients.ts';
import { loadConfig } from '../../layers/config/config.ts';
import { signIn } from '../support/auth.ts';
import { ivrTenant } from '../support/ivr-tenant.ts';
import { startCloudProcess } from '../support/start-local-cloud.ts';
import { keepResult, type Machine, resultHeader, summary } from './bench-results.ts';

function parse(argv: string[]): { calls: number; json: boolean } {
  const options = { calls: 10, json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--calls') options.calls = Number(argv[++i]);
    else if (argv[i] === '--json') options.json = true;
    else throw new Error(`unknown option '${argv[i]}' (use --calls N --json)`);
  }
  if (!(Number.isInteger(options.calls) && options.calls >= 1)) throw new Error('--calls must be at least 1');
  return options;
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const log = (line: string) => (options.json ? undefined : process.stderr.write(`${line}\n`));
  log('starting the local cloud (npm start, in memory)...');
  const cloud = await startCloudProcess();
  try {
    const health = await (await fetch(`${cloud.webUrl}/health`)).json();
    const env = handlerEnvironmentFromHealth(health);
    const config = loadConfig(env);
    const clients = createAwsClients(config);
    // The emulators' credentials, for the clients this process makes.
    process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY;
    const tenant = await ivrTenant({ webUrl: cloud.webUrl, env, config, clients }, 'lake');
    await tenant.publish({
      schemaVersion: 1,
      name: 'hello and goodbye',
      languages: ['en-US'],
      start: 'bye',
      nodes: { bye: { type: 'hangup', prompt: { say: { 'en-US': 'Thank you for calling.' } } } },
    });
    const supervisor = await signIn(cloud.webUrl, { tenantId: tenant.tenant, groups: ['supervisor'] });
    const phones = await PstnClient.connect(cloud.webUrl);
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const rowsOf = async (): Promise<string[]> => {
      const response = await fetch(
        `${cloud.webUrl}/api/v1/reports/inbound-detail?from=${day(-1)}&to=${day(1)}`,
        { headers: { authorization: supervisor.authorization } },
      );
      const body = (await response.json()) as { rows?: unknown[][] };
      return (body.rows ?? []).map((r) => String(r[0]));
    };
    const latencies: number[] = [];
    for (let n = 0; n < options.calls; n++) {
      const call = await phones.dial(`+1425558${String(1000 + n).slice(-4)}`, tenant.number);
      await call.waitFor('ended', 30_000);
      const endedAt = Date.now();
      await call.waitForLog(10_000).catch(() => []);
      const callId = call.transactionId as string;
      while (!(await rowsOf()).includes(callId)) {
        if (Date.now() - endedAt > 120_000) throw new Error(`call ${callId}'s row did not appear in 120 s`);
        await new Promise((r) => setTimeout(r, 200));
      }
      latencies.push(Date.now() - endedAt);
      log(`call ${n + 1}: queryable ${latencies.at(-1)} ms after its end`);
    }
    phones.close();
    clients.dynamodb.destroy();
    const result = {
      ...resultHeader('lake-latency', `npm run bench:lake -- --calls ${options.calls}`),
      lakeBufferMs: Number(process.env.OPENLINE_LAKE_BUFFER_MS ?? 2_000),
      endToQueryableMs: summary(latencies),
      goalMs: 60_000,
    };
    keepResult('lake-latency', result, markdown(result), options.json);
  } finally {
    await cloud.stop();
  }
}

function markdown(r: {
  command: string;
  date: string;
  machine: Machine;
  lakeBufferMs: number;
  endToQueryableMs: ReturnType<typeof summary>;
}): string {
  const s = r.endToQueryableMs;
  return `# From a call's end to its row in a query, on the local cloud

Command: \`${r.command}\` (${r.date})
Machine: ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}.

${s.count} calls, one after the other; for each, the reports API (Athena's API, DuckDB over the lake's
Parquet) polled every 200 ms from the moment the caller's line went dead until the call's row was there.
The local lake writer gathers records for ${r.lakeBufferMs} ms before it writes a file (Firehose on AWS
buffers for its own interval, 60 s or more, which adds to this).

| | p50 | p95 | max |
|---|---|---|---|
| call ended → row queryable (ms) | ${s.p50} | ${s.p95} | ${s.max} |

Goal: under 60,000 ms.
`;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
