/**
 * What both benchmarks share: nearest-rank percentiles and their summary (count, p50/p95/p99, max), and
 * how a result is kept (JSON and Markdown under test/bench/results/) and shown.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/start-local-cloud.ts';

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

export function summary(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** Writes `<name>.json` and `<name>.md` to test/bench/results/, and prints the result (JSON with --json). */
export function keepResult(name: string, result: unknown, markdown: string, asJson: boolean): void {
  const folder = join(repoRoot, 'test', 'bench', 'results');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(folder, `${name}.md`), markdown);
  process.stdout.write(asJson ? `${JSON.stringify(result)}\n` : `${markdown}\n`);
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
}

/** The machine a result was measured on (results from two machines are not compared). */
export function machine(): Machine {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** What every result starts with: which benchmark, the command that ran it, when, and on what machine. */
export function resultHeader(benchmark: string, command: string) {
  return { benchmark, command, date: new Date().toISOString(), machine: machine() };
}
