/**
 * The load's options and profiles. `default` is sized for a 2-core machine and about a minute; `peak` is
 * the field's reference load: 5,000 calls in 3 minutes (~28 calls/s) offered to 5,000 agents.
 */
import type { CallerMix } from './callers.ts';
import type { AgentPace } from './contact-center.ts';

export interface BenchOptions {
  readonly profile: 'default' | 'peak';
  readonly rate: number;
  readonly durationS: number;
  readonly agents: number;
  readonly tenants: number;
  readonly pace: AgentPace;
  readonly mix: CallerMix;
  readonly seed: number;
  readonly json: boolean;
  readonly save: boolean;
}

export const profiles = {
  default: {
    rate: 2,
    durationS: 30,
    agents: 16,
    tenants: 4,
    // Agents accept at once (auto-answer): assignment latency is the platform's, not a person's.
    pace: { answerAfterS: 0, talkS: 3, wrapUpS: 1 },
    mix: { leaveShare: 0.1, meanPatienceS: 40 },
  },
  peak: {
    rate: 28,
    durationS: 180,
    agents: 5_000,
    tenants: 50,
    pace: { answerAfterS: 0, talkS: 60, wrapUpS: 5 },
    mix: { leaveShare: 0.1, meanPatienceS: 60 },
  },
} as const;

export const usage = `Usage: npm run bench -- [options]

  --profile default|peak   default: 2 calls/s for 30 s to 16 agents over 4 tenants (about a minute);
                           peak: 28 calls/s for 180 s to 5,000 agents over 50 tenants
  --rate <calls/s>         arrival rate (Poisson)
  --duration <s>           how long calls arrive
  --agents <n>             headless agents, spread over the tenants
  --tenants <n>            tenants, each with a number, a menu and a queue
  --seed <n>               the load's random seed (same seed, same calls)
  --json                   the report as one JSON object on the last line of output
  --no-save                do not write bench/results/<profile>.json
  --faults                 run the fault battery instead (bench/faults/README.md), with its own options:
                           --calls N --agents A --concurrency C --scenario <name>…`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const given = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--json' || arg === '--no-save') flags.add(arg);
    else if (['--profile', '--rate', '--duration', '--agents', '--tenants', '--seed'].includes(arg)) {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      given.set(arg, value);
    } else throw new Error(`unknown option '${arg}'`);
  }
  const profile = given.get('--profile') ?? 'default';
  if (profile !== 'default' && profile !== 'peak')
    throw new Error(`--profile is default or peak, not '${profile}'`);
  const base = profiles[profile];
  const number = (name: string, fallback: number, min: number, max: number) => {
    const raw = given.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max)
      throw new Error(`${name} must be a number from ${min} to ${max}, not '${raw}'`);
    return value;
  };
  return {
    profile,
    rate: number('--rate', base.rate, 0.01, 1_000),
    durationS: number('--duration', base.durationS, 1, 3_600),
    agents: Math.round(number('--agents', base.agents, 1, 100_000)),
    tenants: Math.round(number('--tenants', base.tenants, 1, 10_000)),
    pace: base.pace,
    mix: base.mix,
    seed: Math.round(number('--seed', 20261124, 0, 2 ** 31)),
    json: flags.has('--json'),
    save: !flags.has('--no-save'),
  };
}
