import { benchBulkStatus } from './bulk-status.bench.ts';
import { benchBurst } from './burst.bench.ts';
import { benchPipeline } from './pipeline.bench.ts';
import { benchPreprocess } from './preprocess.bench.ts';
import { benchSearch } from './search.bench.ts';
import { benchSubscribers } from './subscribers.bench.ts';
import { benchUpload, benchUploadProduction } from './upload.bench.ts';
import { benchWebhooks } from './webhooks.bench.ts';
import { fmt } from './load.ts';

// `npm run bench`: every benchmark, one run each, each printing ratios
// against a baseline measured in the same run. Timings never gate unit tests.
await benchBulkStatus();
await benchUploadProduction();
await benchUpload();
await benchSubscribers();
await benchSearch();
await benchWebhooks();
await benchPipeline();
const { ceilingCallsPerMinute } = await benchPreprocess();
const { results: bursts } = await benchBurst();
// Issue 32's bar: the burst keeps at least 0.8 of the calls/min the measured audio CPU allows on this machine.
for (const burst of bursts) {
  const ratio = burst.callsPerMinute / ceilingCallsPerMinute;
  console.log(`burst (${burst.mode}) at ${fmt(ratio)}× the preprocessing ceiling`);
}
