/**
 * `npm run agents -- --count N [--answer-after S] [--talk S] [--wrap-up S] [--queues sales,support] [--url U]`:
 * logs N simulated agents into the running local contact center's demo tenant and lets them answer calls,
 * printing what they do. Ctrl-C logs them out.
 */
import { randomBytes } from 'node:crypto';
import { type AgentEvent, createAgent, HeadlessAgent, issueToken } from './agent-client.ts';
import { portDefaults } from './local-settings.ts';

const usage = `Usage: npm run agents -- --count <n> [--answer-after <s>] [--talk <s>] [--wrap-up <s>]
                          [--queues <q1,q2>] [--url <url>]

  --count         how many agents to log in (default 3)
  --answer-after  seconds between an offer and the accept (default 1)
  --talk          seconds of conversation before the agent hangs up (default 5)
  --wrap-up       seconds of after-call work (default 2)
  --queues        the demo tenant's queues they serve (default sales,support)
  --url           the local cloud (default http://127.0.0.1:$OPENLINE_PORT, or :${portDefaults.OPENLINE_PORT})`;

function parse(argv: string[]) {
  const o = {
    count: 3,
    answerAfterS: 1,
    talkS: 5,
    wrapUpS: 2,
    queues: ['sales', 'support'],
    url: `http://127.0.0.1:${process.env.OPENLINE_PORT ?? portDefaults.OPENLINE_PORT}`,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const seconds = () => {
      const n = Number(value());
      if (!(n >= 0 && n <= 3600)) throw new Error(`${arg} needs seconds from 0 to 3600`);
      return n;
    };
    if (arg === '--help' || arg === '-h') return 'help' as const;
    else if (arg === '--count') {
      o.count = Number(value());
      if (!Number.isInteger(o.count) || o.count < 1 || o.count > 500)
        throw new Error('--count takes 1 to 500');
    } else if (arg === '--answer-after') o.answerAfterS = seconds();
    else if (arg === '--talk') o.talkS = seconds();
    else if (arg === '--wrap-up') o.wrapUpS = seconds();
    else if (arg === '--queues')
      o.queues = value()
        .split(',')
        .filter((q) => q !== '');
    else if (arg === '--url') o.url = value().replace(/\/+$/, '');
    else throw new Error(`unknown option '${arg}'`);
  }
  return o;
}

async function main(): Promise<number> {
  let o: Exclude<ReturnType<typeof parse>, 'help'>;
  try {
    const parsed = parse(process.argv.slice(2));
    if (parsed === 'help') {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    o = parsed;
  } catch (error) {
    process.stderr.write(`agents: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  let demo: { tenantId: string; users: { email: string; password: string; groups: string[] }[] };
  try {
    const health = (await (
      await fetch(`${o.url}/health`, { signal: AbortSignal.timeout(5_000) })
    ).json()) as { demo: typeof demo };
    demo = health.demo;
  } catch (error) {
    process.stderr.write(
      `agents: no local cloud at ${o.url} (${(error as Error).message}); start it with npm start\n`,
    );
    return 1;
  }
  const admin = demo.users.find((u) => u.groups.includes('admin'));
  if (admin === undefined) {
    process.stderr.write('agents: the demo tenant has no admin user\n');
    return 1;
  }
  const adminToken = await issueToken(o.url, admin.email, admin.password);
  const run = randomBytes(3).toString('hex');
  const agents: HeadlessAgent[] = [];
  const print = (e: AgentEvent) =>
    process.stdout.write(
      `${new Date().toISOString().slice(11, 19)} ${e.agent.padEnd(12)} ${e.kind}${e.callId ? ` ${e.callId}` : ''}${e.detail ? `: ${e.detail}` : ''}\n`,
    );
  for (let i = 1; i <= o.count; i++) {
    const name = `sim-${run}-${i}`;
    const email = `${name}@demo.openline.local`;
    const password = `Sim-${randomBytes(9).toString('base64url')}1!`;
    await createAgent(o.url, adminToken, {
      email,
      password,
      tenantId: demo.tenantId,
      name,
      queues: Object.fromEntries(o.queues.map((q) => [q, 1])),
    });
    const agent = new HeadlessAgent(o.url, name, await issueToken(o.url, email, password), {
      answerAfterS: o.answerAfterS,
      talkS: o.talkS,
      wrapUpS: o.wrapUpS,
    });
    agent.on('event', print);
    await agent.start();
    agents.push(agent);
  }
  process.stdout.write(
    `${o.count} agents ready in tenant '${demo.tenantId}' (queues ${o.queues.join(', ')}); Ctrl-C logs them out\n`,
  );
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  process.stdout.write('logging the agents out...\n');
  await Promise.all(agents.map((a) => a.stop()));
  return 0;
}

process.exitCode = await main();
