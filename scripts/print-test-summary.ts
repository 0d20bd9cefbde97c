import { readFileSync } from 'node:fs';

// Prints vitest's totals as the plain `N passed, N failed` line CI reads.
const file = process.argv[2] ?? '.tmp/vitest-results.json';
try {
  const results = JSON.parse(readFileSync(file, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
  };
  process.stdout.write(`\nvitest: ${results.numPassedTests} passed, ${results.numFailedTests} failed\n`);
} catch {
  process.stdout.write('\nvitest: 0 passed, 1 failed\n');
}
