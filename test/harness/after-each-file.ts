import { afterAll, expect } from 'vitest';
import { recordedNonConformance } from './openapi-conformance.ts';
import { startedApps } from './test-app.ts';

/**
 * Checks that run after every integration and security test file:
 * - every answer its servers gave under /api conforms to the OpenAPI document
 *   (status declared, body matching, error code named), so the published
 *   contract is what the suite saw;
 * - in the security suite, no server logged an error line the test did not
 *   declare: a hostile or broken client gets a 4xx and leaves no error behind.
 */
afterAll(async () => {
  expect(await recordedNonConformance(), 'answers the OpenAPI document does not declare').toEqual([]);
  if (!expect.getState().testPath?.includes('/test/security/')) return;
  expect(
    startedApps.flatMap((app) => app.unexpectedServerErrors()),
    'error lines a client caused',
  ).toEqual([]);
});
