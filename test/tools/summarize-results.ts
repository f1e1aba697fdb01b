/**
 * Prints the test run's totals as one plain line ("vitest: N passed, N failed, N skipped") from Vitest's
 * JSON report, so CI and humans read the same closing line whatever the reporter printed above it.
 */
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
try {
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  const skipped = report.numPendingTests + report.numTodoTests;
  process.stdout.write(
    `\nvitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped\n`,
  );
} catch (error) {
  process.stderr.write(`no test report at ${file}: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
