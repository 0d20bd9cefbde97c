import { analysisSchema } from '../../../../analysis/analysis-schema.ts';
import { transcriptDocumentSchema } from '../../../../transcripts/transcript-document.ts';
import { objectTypeOf, shareEnum } from '../zod-object-types.ts';
import { OutcomeEnum, SentimentEnum, SpeakerRoleEnum } from './enums.ts';

/**
 * The transcript and the analysis as GraphQL object types, made from the zod
 * schemas REST and tRPC serve (`Transcript`, `TranscriptSegment`, `Speaker`,
 * `Analysis`, `AnalysisOutcome`, `Judgement`…): the same field names as the
 * JSON documents. The enums GraphQL already had are the same enums.
 */
shareEnum('SpeakerRole', SpeakerRoleEnum);
shareEnum('Sentiment', SentimentEnum);
shareEnum('Outcome', OutcomeEnum);

export const TranscriptRef = objectTypeOf(transcriptDocumentSchema);
export const AnalysisRef = objectTypeOf(analysisSchema);
