// The bundle entry for tests and benches: the production workflows plus the
// test-only ones. Production bundles index.ts and never sees these.
export * from './index.ts';
export { calibrationWorkflow } from './calibration-workflow.ts';
export { pingWorkflow } from './ping-workflow.ts';
