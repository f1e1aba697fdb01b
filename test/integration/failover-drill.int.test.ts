/**
 * A reduced failover drill (infra/local/drill/): two regions in processes of their own, one call answered
 * in the primary, the primary stopped, two calls answered in the standby, the primary back, and every
 * check of `npm run drill` passing. It does not use the suite's shared local cloud: it starts its own
 * regions on free ports and deletes their data at the end.
 */
import { describe, expect, it } from 'vitest';
import { runDrill } from '../../infra/local/drill/run-drill.ts';

describe('the local failover drill', () => {
  it('fails over to the standby with configuration, agents and every call record intact', async () => {
    const lines: string[] = [];
    const result = await runDrill(
      {
        primaryRegion: 'us-east-1',
        standbyRegion: 'us-west-2',
        primaryCalls: 1,
        standbyCalls: 2,
        agents: 1,
        keepData: false,
      },
      (line) => lines.push(line),
    );
    const failed = result.checks.filter((c) => !c.passed);
    expect(failed, lines.join('\n')).toEqual([]);
    expect(result.checks.map((c) => c.name)).toEqual([
      'configuration replicates to the standby',
      'calls are answered in the primary while it is up',
      'a new call reaches the standby and an agent answers it',
      'configuration is intact in the standby',
      'agents log in at the standby',
      'calls keep reaching the standby during the outage',
      'a change made in the standby during the outage reaches the primary when it is back',
      'no call record is lost',
    ]);
    const f = result.figures;
    expect(f.callsAnswered).toEqual({ 'us-east-1': 1, 'us-west-2': 2 });
    expect(f.cdrRows).toEqual({ 'us-east-1': 1, 'us-west-2': 2 });
    expect(f.primaryDownToFirstStandbyAnswerMs).toBeGreaterThan(0);
    // The standby's first call answered within the SMA's own limits: no 20 s hang-up, no ring-out.
    expect(f.primaryDownToFirstStandbyAnswerMs).toBeLessThan(30_000);
  }, 240_000);
});
