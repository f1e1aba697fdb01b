/**
 * Scheduled functions of the local cloud (EventBridge schedules on AWS): each handler module is invoked
 * in-process at its interval, one run at a time (a run that overruns delays the next), until stopped.
 */
import { loadHandler } from './lambda-context.ts';

export interface Schedule {
  readonly module: string;
  readonly everyMs: number;
  readonly input: unknown;
}

export function startScheduler(
  functionsDir: URL,
  schedules: readonly Schedule[],
  onError: (error: unknown) => void,
) {
  let stopped = false;
  const runs = schedules.map(async (schedule) => {
    const handler = await loadHandler<(input: unknown) => Promise<unknown>>(functionsDir, schedule.module);
    while (!stopped) {
      await new Promise((r) => setTimeout(r, schedule.everyMs));
      if (stopped) break;
      await handler(schedule.input).catch(onError);
    }
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(runs);
    },
  };
}
