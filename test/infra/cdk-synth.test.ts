/**
 * `npx cdk synth` as an operator runs it: the CLI, cdk.json's configuration, no AWS credentials and no
 * network, every function bundled by esbuild. One stack per configured region, and a bundle that loads.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { smaFunctions } from '../../functions/routes.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'openline-synth-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('synthesises one stack per configured region offline, with every function bundled', {
  timeout: 600_000,
}, async () => {
  const config = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')).context.openline as {
    regions: string[];
    stage: string;
  };
  // Nothing of the developer's AWS set-up may help: no credentials, no profile, no region.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CDK_')),
  );
  const home = join(out, 'home');
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', join(out, 'cdk.out')], {
    cwd: repoRoot,
    env: { ...env, HOME: home, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    encoding: 'utf8',
    timeout: 540_000,
  });
  expect(result.status, `${result.stdout}\n${result.stderr}`.slice(-4000)).toBe(0);

  const files = readdirSync(join(out, 'cdk.out'));
  const stacks = files.filter((f) => f.endsWith('.template.json') && !f.includes('.nested.'));
  expect(stacks.sort()).toEqual(
    config.regions.map((r) => `Openline-${config.stage}-${r}.template.json`).sort(),
  );
  expect(files.filter((f) => f.endsWith('.nested.template.json'))).toHaveLength(config.regions.length);

  // The call-control function's bundle: ESM with its handler, the SDK inside.
  const nested = files.find((f) => f.endsWith('.nested.template.json')) as string;
  const template = JSON.parse(readFileSync(join(out, 'cdk.out', nested), 'utf8')) as {
    Resources: Record<
      string,
      { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, string> }
    >;
  };
  const callControl = Object.values(template.Resources).find(
    (r) =>
      r.Type === 'AWS::Lambda::Function' &&
      r.Properties.Description === `Openline functions/${smaFunctions.callControl.module}`,
  );
  const asset = callControl?.Metadata?.['aws:asset:path'];
  expect(asset).toBeDefined();
  const bundle = join(out, 'cdk.out', asset as string, 'index.mjs');
  expect(existsSync(bundle)).toBe(true);
  const loaded = (await import(bundle)) as { handler?: unknown };
  expect(typeof loaded.handler).toBe('function');
});
