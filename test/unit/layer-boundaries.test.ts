/**
 * The lint rules that keep domain code free of AWS SDK, middy and Powertools (and the environment out of
 * handlers), checked by running Biome with the project's own biome.json on sample files placed at domain,
 * adapter and handler paths of a scratch copy of the layout.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/start-local-cloud.ts';

const scratch = mkdtempSync(join(tmpdir(), 'openline-lint-'));
copyFileSync(join(repoRoot, 'biome.json'), join(scratch, 'biome.json'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function lint(path: string, source: string): { ok: boolean; output: string } {
  const file = join(scratch, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, source);
  const result = spawnSync(
    join(repoRoot, 'node_modules/.bin/biome'),
    ['lint', '--vcs-enabled=false', `--config-path=${scratch}`, path],
    { cwd: scratch, encoding: 'utf8' },
  );
  rmSync(file);
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

describe('layer boundaries', () => {
  const forbidden = [
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    "import middy from '@middy/core';",
    "import { Logger } from '@aws-lambda-powertools/logger';",
    "import { Stack } from 'aws-cdk-lib';",
  ];

  for (const line of forbidden) {
    it(`rejects \`${line}\` in layers/domain and layers/resources`, () => {
      for (const path of ['layers/domain/routing/pick-agent.ts', 'layers/resources/extra.ts']) {
        const result = lint(path, `${line}\nexport const x = 1;\n`);
        expect(result.ok, result.output).toBe(false);
        expect(result.output).toMatch(/noRestrictedImports/);
      }
    });
  }

  it('allows the same imports in adapters, and plain imports in the domain', () => {
    expect(
      lint('layers/adapters/dynamodb-queue-store.ts', `${forbidden[0]}\nexport { DynamoDBClient };\n`).ok,
    ).toBe(true);
    const domain = lint(
      'layers/domain/routing/pick-agent.ts',
      "import { e164 } from '../tenancy/ids.ts';\nexport { e164 };\n",
    );
    expect(domain.ok, domain.output).toBe(true);
  });

  it('keeps the environment out of handlers: only the config module reads process.env', () => {
    const result = lint('functions/api/get-thing.ts', 'export const region = process.env.AWS_REGION;\n');
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/noProcessEnv/);
  });

  it('bans focused and skipped tests', () => {
    const result = lint(
      'test/unit/sample.test.ts',
      "import { it } from 'vitest';\nit.only('x', () => {});\n",
    );
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/noFocusedTests/);
  });
});
