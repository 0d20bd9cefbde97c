import { callDetailSchema } from '../../../calls/call-schemas.ts';
import { callByIdQuery } from './calls-query.ts';

export const getCall = callByIdQuery({
  rest: {
    path: '/calls/{id}',
    summary: 'Call detail (no transcript or analysis)',
    errorResponses: { 404: 'call_not_found' },
  },
  output: callDetailSchema,
  read: (services, userId, callId) => services.calls.getDetail(userId, callId),
});
