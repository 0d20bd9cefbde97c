import { afterAll, expect } from 'vitest';
import { startedApps } from './test-app.ts';

/**
 * After each file of the security suite: no server it started logged an error
 * line the test did not declare. A hostile or broken client gets a 4xx and
 * leaves no error behind, so any such line is a finding.
 */
afterAll(() => {
  if (!expect.getState().testPath?.includes('/test/security/')) return;
  const errors = startedApps.flatMap((app) => app.unexpectedServerErrors());
  expect(errors, 'error lines a client caused').toEqual([]);
});
