/**
 * The fault scenarios of issue 10 (point 3) that the local cloud can inject so far, each with the faults
 * it switches on. Sizes are the run's: the test suite runs a reduced size, `npm run bench -- --faults` (to
 * come) the full one.
 */
import type { FaultSettings } from '../../infra/local/fault-injection.ts';

export interface FaultScenario {
  readonly name: string;
  readonly faults: { [K in keyof FaultSettings]?: Partial<FaultSettings[K]> };
  /** Whether the answered-ratio bound (99.9% of the calls that would have been answered) applies. */
  readonly answeredBound: boolean;
}

export const faultScenarios: readonly FaultScenario[] = [
  {
    name: 'dynamodb-throttle-10',
    faults: { dynamodb: { throttle: 0.1, conflict: 0.1 } },
    answeredBound: true,
  },
  {
    name: 'dynamodb-throttle-30',
    faults: { dynamodb: { throttle: 0.3, conflict: 0.3 } },
    answeredBound: false,
  },
  { name: 'sma-duplicate-events', faults: { sma: { duplicateEvents: true } }, answeredBound: false },
  {
    name: 'kinesis-duplicate-reorder',
    faults: { kinesis: { duplicate: 0.5, reorder: true } },
    answeredBound: false,
  },
];

export function faultScenario(name: string): FaultScenario {
  const found = faultScenarios.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no fault scenario '${name}'`);
  return found;
}
