import { defineConfig } from 'vitest/config';

// Three kinds of tests (see test/README.md): unit tests need nothing running; infra tests synthesise the CDK
// app; local-cloud tests (integration and browser) share one local cloud started by the global setup.
export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 120_000,
          // Synthesis in a beforeAll takes seconds, more while other suites share the cores.
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'local-cloud',
          include: ['test/integration/**/*.int.test.ts', 'test/e2e/**/*.e2e.test.ts'],
          globalSetup: ['test/support/local-cloud.global-setup.ts'],
          // One file at a time: the files share one local cloud, and two of them (agents-e2e, call-audio)
          // work in the demo tenant, whose queues must see only their callers and agents.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
