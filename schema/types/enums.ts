import { ACTION_PRIORITIES, ACTION_STATUSES } from '../../src/actions/action-item.entity.ts';
import { CALL_DIRECTIONS, CALL_STATUSES } from '../../src/calls/call-record.entity.ts';
import { ROLES } from '../../src/transcripts/transcript-document.ts';
import { builder } from '../builder.ts';

export const CallStatusEnum = builder.enumType('CallStatus', { values: CALL_STATUSES });
export const CallDirectionEnum = builder.enumType('CallDirection', { values: CALL_DIRECTIONS });
export const ActionStatusEnum = builder.enumType('ActionStatus', { values: ACTION_STATUSES });
export const ActionPriorityEnum = builder.enumType('ActionPriority', { values: ACTION_PRIORITIES });
export const SpeakerRoleEnum = builder.enumType('SpeakerRole', { values: ROLES });
