import { operations } from '../../../operations/index.ts';
import { runOperation } from '../../../operations/operation.ts';
import { SEARCH_SOURCES } from '../../../../search/search-entry-queries.ts';
import type { SearchHit, SearchPage } from '../../../../search/search-schemas.ts';
import { builder } from '../builder.ts';
import { CallRef, callFilterInput, callFilterArgs, withoutNulls } from './call.ts';
import { SpeakerRoleEnum } from './enums.ts';

const SearchSourceEnum = builder.enumType('SearchSource', { values: SEARCH_SOURCES });

const HighlightRef = builder.objectRef<SearchHit['highlights'][number]>('SearchHighlight').implement({
  description: 'Where matched words sit in the snippet: [start, end) in UTF-16 code units',
  fields: (t) => ({ start: t.exposeInt('start'), end: t.exposeInt('end') }),
});

const SpeakerRef = builder.objectRef<NonNullable<SearchHit['speaker']>>('SearchSpeaker').implement({
  fields: (t) => ({
    role: t.field({ type: SpeakerRoleEnum, resolve: (speaker) => speaker.role }),
    name: t.string({ nullable: true, resolve: (speaker) => speaker.name ?? null }),
  }),
});

const SearchHitRef = builder.objectRef<SearchHit>('SearchHit').implement({
  fields: (t) => ({
    call: t.field({ type: CallRef, resolve: (hit) => hit.call.callId }),
    source: t.field({ type: SearchSourceEnum, resolve: (hit) => hit.source }),
    segmentId: t.string({ nullable: true, resolve: (hit) => hit.segmentId ?? null }),
    startSeconds: t.float({ nullable: true, resolve: (hit) => hit.startSeconds ?? null }),
    speaker: t.field({ type: SpeakerRef, nullable: true, resolve: (hit) => hit.speaker ?? null }),
    actionItemId: t.id({ nullable: true, resolve: (hit) => hit.actionItemId ?? null }),
    snippet: t.exposeString('snippet'),
    highlights: t.field({ type: [HighlightRef], resolve: (hit) => hit.highlights }),
    rank: t.exposeFloat('rank'),
  }),
});

const SearchPageRef = builder.objectRef<SearchPage>('SearchPage').implement({
  fields: (t) => ({
    hits: t.field({ type: [SearchHitRef], resolve: (page) => page.hits }),
    nextCursor: t.string({ nullable: true, resolve: (page) => page.nextCursor ?? null }),
  }),
});

builder.queryField('searchCalls', (t) =>
  t.field({
    type: SearchPageRef,
    description: 'Find a moment in the caller\'s calls: words, "a quoted phrase", `or`, `-word`; best match first',
    args: {
      q: t.arg.string({ required: true }),
      speakerRole: t.arg({ type: SpeakerRoleEnum, description: 'Only what this side of the call said' }),
      ...callFilterArgs,
      limit: t.arg.int(),
      cursor: t.arg.string(),
    },
    resolve: (_root, args, ctx) => {
      const { q, speakerRole, limit, cursor, ...filters } = args;
      return runOperation(
        operations.calls.search,
        ctx,
        withoutNulls({ ...callFilterInput(filters), q, speakerRole, limit, cursor }),
      );
    },
  }),
);
