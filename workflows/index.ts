// The production workflow types: the only entry a production worker bundles.
// Test-only workflows (ping, calibration) live in test-workflows.ts; every type
// exported here must have a recorded history in test/fixtures/histories/.
export { deleteCallWorkflow } from './delete-call-workflow.ts';
export { processCallWorkflow, reanalyzeCallWorkflow } from './process-call-workflow.ts';
export { sweepWorkflow } from './sweep-workflow.ts';
export { webhookDeliveryWorkflow } from './webhook-delivery-workflow.ts';
