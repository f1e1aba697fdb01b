/**
 * The fault battery from the command line (what `npm run bench -- --faults` is to run):
 *   node --import tsx bench/faults/run-faults.ts [--calls N] [--agents A] [--concurrency C] [--scenario name]…
 * starts its own local cloud with fault injection, runs each scenario in turn on a fresh tenant, and
 * prints each scenario's figures and problems as one JSON line. Exits 1 if any invariant broke.
 */
import { startFaultCloud } from './fault-cloud.ts';
import { runScenario, type ScenarioSize } from './run-scenario.ts';
import { faultScenario, faultScenarios } from './scenarios.ts';

function parse(argv: readonly string[]): { size: ScenarioSize; names: string[] } {
  const size = { calls: 200, agents: 12, concurrency: 10, talkS: 1, patienceS: 60 };
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => Number(argv[++i]);
    if (arg === '--calls') size.calls = value();
    else if (arg === '--agents') size.agents = value();
    else if (arg === '--concurrency') size.concurrency = value();
    else if (arg === '--scenario') names.push(String(argv[++i]));
    else throw new Error(`unknown option '${arg}'`);
  }
  if (!(size.calls >= 1 && size.concurrency >= 1 && size.agents > size.concurrency))
    throw new Error('--calls and --concurrency must be at least 1, and --agents more than --concurrency');
  return { size, names };
}

const { size, names } = parse(process.argv.slice(2));
const scenarios = names.length === 0 ? faultScenarios : names.map(faultScenario);
const fc = await startFaultCloud();
let broken = false;
try {
  let firstCaller = 1_000_000;
  for (const scenario of scenarios) {
    const result = await runScenario(fc, scenario, size, firstCaller);
    firstCaller += size.calls;
    broken ||= Object.values(result.problems).some((p) => p.length > 0);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
} finally {
  await fc.stop();
}
process.exitCode = broken ? 1 : 0;
