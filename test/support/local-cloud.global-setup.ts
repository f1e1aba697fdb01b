/**
 * Vitest global setup for tests against the local cloud: one in-memory local cloud per test run, on free
 * ports, stopped at the end. Tests reach it through ./local-cloud.ts.
 */
import type { TestProject } from 'vitest/node';
import { startCloudProcess } from './start-local-cloud.ts';

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cloud = await startCloudProcess();
  const health = await (await fetch(`${cloud.webUrl}/health`)).json();
  project.provide('localCloud', { webUrl: cloud.webUrl, health });
  return async () => {
    await cloud.stop('SIGTERM');
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    localCloud: {
      webUrl: string;
      health: { region: string; services: Record<string, { endpoint: string }> };
    };
  }
}
