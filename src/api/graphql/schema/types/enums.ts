import { ACTION_PRIORITIES, ACTION_STATUSES } from '../../../../actions/action-item.entity.ts';
import { CALL_DIRECTIONS, CALL_STATUSES } from '../../../../calls/call-record.entity.ts';
import { OUTCOMES, SENTIMENTS } from '../../../../analysis/analysis-schema.ts';
import { ROLES } from '../../../../transcripts/transcript-document.ts';
import { builder } from '../builder.ts';

export const CallStatusEnum = builder.enumType('CallStatus', { values: CALL_STATUSES });
export const CallDirectionEnum = builder.enumType('CallDirection', { values: CALL_DIRECTIONS });
/** The list's orders, named as GraphQL enums are; each maps to the REST `sort` value. */
export const CallSortEnum = builder.enumType('CallSort', {
  values: {
    CREATED_AT_DESC: { value: '-createdAt' },
    CREATED_AT_ASC: { value: 'createdAt' },
    RECORDED_AT_DESC: { value: '-recordedAt' },
    RECORDED_AT_ASC: { value: 'recordedAt' },
    DURATION_DESC: { value: '-durationSeconds' },
    DURATION_ASC: { value: 'durationSeconds' },
  } as const,
});
export const ActionStatusEnum = builder.enumType('ActionStatus', { values: ACTION_STATUSES });
export const ActionPriorityEnum = builder.enumType('ActionPriority', { values: ACTION_PRIORITIES });
export const SpeakerRoleEnum = builder.enumType('SpeakerRole', { values: ROLES });
export const SentimentEnum = builder.enumType('Sentiment', { values: SENTIMENTS });
export const OutcomeEnum = builder.enumType('Outcome', { values: OUTCOMES });
