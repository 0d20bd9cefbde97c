import { benchBulkStatus } from './bulk-status.bench.ts';
import { benchBurst, pyannoteCeiling } from './burst.bench.ts';
import { benchCallBudget } from './call-budget.bench.ts';
import { benchPipeline } from './pipeline.bench.ts';
import { benchPreprocess } from './preprocess.bench.ts';
import { benchRequestCost } from './request-cost.bench.ts';
import { benchSearch } from './search.bench.ts';
import { benchStatusChange } from './status-change.bench.ts';
import { benchSubscribers } from './subscribers.bench.ts';
import { benchUpload, benchUploadProduction } from './upload.bench.ts';
import { benchWebhooks } from './webhooks.bench.ts';
import { fmt } from './load.ts';

// `npm run bench`: every benchmark, one run each, each printing ratios
// against a baseline measured in the same run. Timings never gate unit tests.
await benchBulkStatus();
await benchRequestCost();
await benchUploadProduction();
await benchUpload();
await benchStatusChange();
await benchSubscribers();
await benchSearch();
await benchWebhooks();
await benchPipeline();
await benchCallBudget();
const { ceilingCallsPerMinute } = await benchPreprocess();
const { results: bursts } = await benchBurst();
// The burst against what bounds it: the audio CPU this machine has, and pyannoteAI's per-key
// limit at the requests a call spends of it; the lower of the two is the ceiling that binds.
for (const burst of bursts) {
  const binding = Math.min(ceilingCallsPerMinute, pyannoteCeiling(burst));
  console.log(
    `burst (${burst.mode}) at ${fmt(burst.callsPerMinute / ceilingCallsPerMinute)}× the preprocessing ` +
      `ceiling, ${fmt(burst.callsPerMinute / binding)}× the lower of it and pyannoteAI's`,
  );
}
