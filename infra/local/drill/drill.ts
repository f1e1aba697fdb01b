/**
 * `npm run drill`: the local failover drill (infra/local/drill/README.md). Prints its progress, then a
 * summary with the figures; writes them to test/bench/results/failover-drill.{json,md}; exits 1 if any
 * check failed.
 *
 *   npm run drill -- [--calls 3] [--standby-calls 3] [--agents 2] [--keep-data] [--json] [--no-save]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resultHeader } from '../../../test/bench/bench-results.ts';
import { type DrillOptions, type DrillResult, runDrill } from './run-drill.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function parse(argv: readonly string[]): DrillOptions & { json: boolean; save: boolean } {
  const o = {
    primaryRegion: process.env.OPENLINE_REGION ?? 'us-east-1',
    standbyRegion: process.env.OPENLINE_STANDBY_REGION ?? 'us-west-2',
    primaryCalls: 3,
    standbyCalls: 3,
    agents: 2,
    keepData: false,
    json: false,
    save: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const count = () => {
      const n = Number(argv[++i]);
      if (!(Number.isInteger(n) && n >= 1 && n <= 100))
        throw new Error(`${arg} needs a number from 1 to 100`);
      return n;
    };
    if (arg === '--calls') o.primaryCalls = count();
    else if (arg === '--standby-calls') o.standbyCalls = count();
    else if (arg === '--agents') o.agents = count();
    else if (arg === '--keep-data') o.keepData = true;
    else if (arg === '--json') o.json = true;
    else if (arg === '--no-save') o.save = false;
    else
      throw new Error(
        `unknown option '${arg}' (use --calls N --standby-calls M --agents A --keep-data --json --no-save)`,
      );
  }
  return o;
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const command = `npm run drill -- --calls ${options.primaryCalls} --standby-calls ${options.standbyCalls} --agents ${options.agents}`;
  const began = Date.now();
  const result = await runDrill(options, (line) => process.stderr.write(`${line}\n`));
  const record = {
    ...resultHeader('failover-drill', command),
    regions: { primary: options.primaryRegion, standby: options.standbyRegion },
    seconds: Math.round((Date.now() - began) / 100) / 10,
    ...result,
  };
  const markdown = drillMarkdown(record);
  if (options.save) {
    const folder = join(repoRoot, 'test', 'bench', 'results');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'failover-drill.json'), `${JSON.stringify(record, null, 2)}\n`);
    writeFileSync(join(folder, 'failover-drill.md'), markdown);
  }
  process.stdout.write(options.json ? `${JSON.stringify(record)}\n` : `\n${markdown}`);
  process.exitCode = result.passed ? 0 : 1;
}

export function drillMarkdown(
  r: DrillResult &
    ReturnType<typeof resultHeader> & { regions: { primary: string; standby: string }; seconds: number },
): string {
  const f = r.figures;
  const { primary, standby } = r.regions;
  const m = r.machine;
  return `# Local failover drill: ${r.passed ? 'passed' : 'FAILED'}

Command: \`${r.command}\` (${r.date}), ${r.seconds} s in all
Machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}.

Two regions (${primary} primary, ${standby} standby), each its own process with its own DynamoDB Local,
kinesis-local, S3, lake, Athena, gateways and issuer; the drill's process is the phone network (the Chime
emulator and virtual PSTN) and replicates the global tables. The primary was stopped (SIGTERM) without
telling the phone network: the SIP rule failed over because the primary's invocation failed.

| figure | value |
|---|---|
| primary down → first new call answered by an agent in the standby | **${f.primaryDownToFirstStandbyAnswerMs} ms** |
| of which: agents logged in again at the standby | ${f.agentsLoggedInAtStandbyMs} ms |
| first standby call, dialled → answered | ${f.firstStandbyCallDialToAnswerMs} ms |
| primary's process stopping (SIGTERM → exit) | ${f.primaryStopMs} ms |
| region start (${primary} / ${standby}) | ${f.regionStartMs[primary]} / ${f.regionStartMs[standby]} ms |
| primary restart with its data | ${f.primaryRestartMs} ms |
| config write → readable through the other region's API (${primary}→${standby}) | ${f.configReplicationMs.primaryToStandby} ms |
| change made during the outage → readable in the restarted primary | ${f.configReplicationMs.standbyToPrimaryAfterRestart} ms |
| calls answered (${primary} / ${standby}) | ${f.callsAnswered[primary]} / ${f.callsAnswered[standby]} |
| call records in the lake (${primary} / ${standby}) | ${f.cdrRows[primary]} / ${f.cdrRows[standby]} |
| replicated changes | ${Object.entries(f.replication.applied)
    .map(([route, n]) => `${route}: ${n}`)
    .join(
      ', ',
    )} (echoes skipped ${f.replication.echoesSkipped}, older dropped ${f.replication.olderDropped}) |

| check | result |
|---|---|
${r.checks.map((c) => `| ${c.name} | ${c.passed ? 'pass' : '**FAIL**'}: ${c.detail} |`).join('\n')}
`;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
