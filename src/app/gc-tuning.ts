import { setFlagsFromString } from 'node:v8';

/**
 * Turns off V8's allocation-site pretenuring for the whole process. Imported
 * first by every entry point, before any application module is evaluated.
 *
 * V8 tenures an allocation site once nearly all of its objects survive a
 * scavenge, and never reconsiders: a tenured site allocates in the old
 * generation and so gives no more survival feedback. Start-up (module and
 * schema construction) and the first requests under load tenure sites that
 * are per-request afterwards, such as zod's parse results. Their objects then
 * die in the old generation, and until the next full collection those dead
 * objects keep the young strings and arrays they point to alive through every
 * scavenge. On a status poll under load that was 4.8 MB promoted per
 * scavenge and 7–10 ms pauses, which set p99; without pretenuring nothing is
 * promoted and a scavenge takes 0.6 ms.
 */
setFlagsFromString('--no-allocation-site-pretenuring');
