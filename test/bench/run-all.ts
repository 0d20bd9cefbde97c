import { benchBulkStatus } from './bulk-status.bench.ts';
import { benchBurst } from './burst.bench.ts';
import { benchPipeline } from './pipeline.bench.ts';
import { benchSearch } from './search.bench.ts';
import { benchSubscribers } from './subscribers.bench.ts';
import { benchUpload, benchUploadProduction } from './upload.bench.ts';
import { benchWebhooks } from './webhooks.bench.ts';

// `npm run bench`: every benchmark, one run each, each printing ratios
// against a baseline measured in the same run. Timings never gate unit tests.
await benchBulkStatus();
await benchUploadProduction();
await benchUpload();
await benchSubscribers();
await benchSearch();
await benchWebhooks();
await benchPipeline();
await benchBurst();
