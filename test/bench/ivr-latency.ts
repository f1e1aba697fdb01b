import type { CallLogEntry } from '../../infra/local/chime/call-log.ts';
import { PstnClient } from '../../infra/local/chime/pstn-client.ts';
import { handlerEnvironmentFromHealth } from '../../infra/local/handler-environment.ts';
import { createAwsClients } from '../../layers/config/aws-clients.ts';
import { loadConfig } from '../../layers/config/config.ts';
import { ivrTenant } from '../support/ivr-tenant.ts';
import { startCloudProcess } from '../support/start-local-cloud.ts';
import { keepResult, type Machine, resultHeader, summary } from './bench-results.ts';

interface Options {
  calls: number;
  concurrency: number;
  json: boolean;
}

function parse(argv: string[]): Options {
  const options: Options = { calls: 100, concurrency: 10, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => Number(argv[++i]);
    if (arg === '--calls') options.calls = value();
    else if (arg === '--concurrency') options.concurrency = value();
    else if (arg === '--json') options.json = true;
    else throw new Error(`unknown option '${arg}' (use --calls N --concurrency C --json)`);
  }
  if (!(options.calls >= 1 && options.concurrency >= 1))
    throw new Error('--calls and --concurrency must be at least 1');
  return options;
}

const say = (text: string) => ({ say: { 'en-US': text } });
/** Ten steps; prompts are short so that the run measures the handler, not the speech. */
function tenStepFlow(orderServiceUrl: string) {
  return {
    schemaVersion: 1,
    name: 'ten-step benchmark flow',
    languages: ['en-US'],
    start: 'hello',
    nodes: {
      hello: { type: 'play', prompt: say('Hi.'), next: 'language' },
      language: { type: 'setLanguage', language: 'en-US', next: 'tag' },
      tag: { type: 'setAttribute', values: { source: 'bench', from: '{{caller}}' }, next: 'hours' },
      hours: {
        type: 'hours',
        timezone: 'UTC',
        weekly: Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]),
        ),
        open: 'route',
        closed: 'bye',
      },
      route: {
        type: 'branch',
        on: 'source',
        cases: [{ op: 'equals', value: 'bench', next: 'menu' }],
        otherwise: 'bye',
      },
      menu: {
        type: 'menu',
        prompt: say('Press 3.'),
        options: { '3': 'order' },
        timeoutSeconds: 3,
        exhausted: 'bye',
      },
      order: {
        type: 'collect',
        prompt: say('Order?'),
        attribute: 'order',
        minDigits: 5,
        maxDigits: 5,
        timeoutSeconds: 3,
        next: 'lookup',
        exhausted: 'bye',
      },
      lookup: {
        type: 'lookup',
        url: `${orderServiceUrl}/orders/{{order}}`,
        timeoutMs: 1500,
        resultPrefix: 'o',
        next: 'status',
        fallback: 'bye',
      },
      status: { type: 'play', prompt: say('{{o.status}}.'), next: 'bye' },
      bye: { type: 'hangup', prompt: say('Bye.') },
    },
  };
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const log = (line: string) => {
    if (!options.json) process.stdout.write(`${line}\n`);
  };
  log('starting an in-memory local cloud...');
  const cloud = await startCloudProcess();
  try {
    const health = await (await fetch(`${cloud.webUrl}/health`)).json();
    const env = handlerEnvironmentFromHealth(health);
    const config = loadConfig(env);
    const clients = createAwsClients(config);
    process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY;
    const tenant = await ivrTenant({ webUrl: cloud.webUrl, env, config, clients }, 'bench');
    await tenant.publish(tenStepFlow(`${cloud.webUrl}/_demo`));
    const phones = await PstnClient.connect(cloud.webUrl);

    const invocations: { type: string; ms: number }[] = [];
    let retries = 0;
    let failedCalls = 0;
    let done = 0;
    const began = Date.now();
    const oneCall = async (n: number) => {
      const call = await phones.dial(`+1425555${String(1000 + n).slice(-4)}`, tenant.number);
      const keys = ['3', '12345'];
      call.on('heard', ({ item }: { item: { input?: boolean } }) => {
        if (item.input === true && keys.length > 0) call.press(keys.shift() as string);
      });
      const entries: CallLogEntry[] = await call.waitForLog(60_000);
      const heardStatus = call.heard.some((h) => h.kind === 'speech' && h.text === 'shipped.');
      if (!heardStatus) failedCalls += 1;
      for (const entry of entries) {
        if (entry.kind !== 'invocation') continue;
        if (entry.attempt > 1) retries += 1;
        if (entry.response !== undefined)
          invocations.push({ type: entry.event.InvocationEventType, ms: entry.ms });
      }
      done += 1;
      if (done % 10 === 0) log(`  ${done}/${options.calls} calls`);
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency, options.calls) }, async () => {
        while (next < options.calls) await oneCall(next++);
      }),
    );
    phones.close();
    const seconds = (Date.now() - began) / 1000;

    const byType: Record<string, ReturnType<typeof summary>> = {};
    for (const type of [...new Set(invocations.map((i) => i.type))].sort())
      byType[type] = summary(invocations.filter((i) => i.type === type).map((i) => i.ms));
    const result = {
      ...resultHeader(
        'ivr-handler-latency',
        `npm run bench:ivr -- --calls ${options.calls} --concurrency ${options.concurrency}`,
      ),
      flow: 'ten steps: play, setLanguage, setAttribute, hours, branch, menu, collect, lookup, play, hangup',
      calls: options.calls,
      concurrency: options.concurrency,
      callsCompletedAsScripted: options.calls - failedCalls,
      seconds: Math.round(seconds * 10) / 10,
      invocationsPerCall: Math.round((invocations.length / options.calls) * 10) / 10,
      retriedInvocations: retries,
      handlerMs: summary(invocations.map((i) => i.ms)),
      handlerMsByEvent: byType,
      deadlineMs: 5000,
    };
    keepResult('ivr-latency', result, markdown(result), options.json);
  } finally {
    await cloud.stop();
  }
}

function markdown(r: {
  command: string;
  date: string;
  machine: Machine;
  calls: number;
  callsCompletedAsScripted: number;
  seconds: number;
  invocationsPerCall: number;
  retriedInvocations: number;
  handlerMs: ReturnType<typeof summary>;
  handlerMsByEvent: Record<string, ReturnType<typeof summary>>;
}): string {
  const row = (name: string, s: ReturnType<typeof summary>) =>
    `| ${name} | ${s.count} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.max} |`;
  return `# IVR handler latency on the local cloud

Command: \`${r.command}\` (${r.date})
Machine: ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}; the local
cloud (DynamoDB Local, the Chime emulator, the demo order service) runs on the same cores as the callers.

${r.calls} calls through a ten-step flow, ${r.callsCompletedAsScripted} heard the looked-up order status as scripted, in ${r.seconds} s;
${r.invocationsPerCall} SMA invocations per call; ${r.retriedInvocations} invocations needed the SMA's 5 s retry.

Handler time per invocation (ms), measured by the emulator around each in-process handler call:

| event | invocations | p50 | p95 | p99 | max |
|---|---|---|---|---|---|
${row('all', r.handlerMs)}
${Object.entries(r.handlerMsByEvent)
  .map(([type, s]) => row(type, s))
  .join('\n')}

The SMA's deadline is 5,000 ms per attempt.
`;
}

await main();
