import { ActionItem } from '../actions/action-item.entity.ts';
import { CallArtifact } from '../calls/call-artifact.entity.ts';
import { CallDeletion } from '../calls/call-deletion.entity.ts';
import { CallRecord } from '../calls/call-record.entity.ts';
import { IdempotencyKey } from '../idempotency/idempotency-key.entity.ts';
import { CallProcessingEvent } from '../pipeline/call-processing-event.entity.ts';
import { User } from '../users/user.entity.ts';
import { UserVoiceProfile } from '../voice/user-voice-profile.entity.ts';

export const ENTITIES = [
  User,
  CallRecord,
  CallArtifact,
  ActionItem,
  UserVoiceProfile,
  CallProcessingEvent,
  IdempotencyKey,
  CallDeletion,
];
