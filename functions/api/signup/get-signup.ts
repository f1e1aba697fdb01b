/**
 * GET /api/v1/signups/{signupId} (no sign-in: the id is an unguessable secret only the person signing up
 * holds): the sign-up's progress, its number once live, or why it failed.
 */
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { NotFoundError, ValidationError } from '../../../layers/domain/errors.ts';
import { signupJobs } from './signup-jobs.ts';
import { signupView } from './signup-view.ts';

const SIGNUP_ID = /^[A-Za-z0-9_-]{24}$/;

export const handler = httpHandler(async (event) => {
  const signupId = event.pathParameters?.signupId ?? '';
  if (!SIGNUP_ID.test(signupId)) throw new ValidationError('signupId is not a sign-up id');
  const job = await signupJobs().get(signupId);
  if (job === undefined)
    throw new NotFoundError('no sign-up has this id (finished sign-ups are kept a week)');
  return { status: 200, body: signupView(job) };
});
