export { calibrationWorkflow } from './calibration-workflow.ts';
export { pingWorkflow } from './ping-workflow.ts';
export { processCallWorkflow, reanalyzeCallWorkflow } from './process-call-workflow.ts';
export { sweepWorkflow } from './sweep-workflow.ts';
