/**
 * POST /_auth/token and POST /_auth/password on AWS: the web app's sign-in, against the region's Cognito
 * user pool (USER_PASSWORD_AUTH with the web client), answering exactly as the local issuer does, so the
 * same app signs in on both. Served by the HTTP API without an authoriser (it is how a token is obtained).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { CognitoSignIn, type SignInOutcome } from '../../layers/adapters/cognito-sign-in.ts';
import { type HttpResult, httpHandler, jsonBody } from '../../layers/adapters/http-api.ts';
import { runtimeClients } from '../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../layers/config/config.ts';
import { ValidationError } from '../../layers/domain/errors.ts';

let signIn: CognitoSignIn | undefined;

function ports(): CognitoSignIn {
  const client = runtimeConfig().jwt?.audience[0];
  if (client === undefined) throw new Error('OPENLINE_JWT_AUDIENCE (the web client id) is not set');
  signIn ??= new CognitoSignIn(runtimeClients().cognito, client);
  return signIn;
}

export const handler = httpHandler(async (event) => {
  const choosing = event.rawPath.endsWith('/password');
  const body = credentials(event, choosing);
  const outcome = choosing
    ? await ports().completeNewPassword(body.email, body.password, body.newPassword ?? '')
    : await ports().signIn(body.email, body.password);
  return answer(outcome, choosing);
});

function credentials(event: APIGatewayProxyEventV2, choosing: boolean) {
  const raw = jsonBody(event);
  const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const names = choosing ? ['email', 'password', 'newPassword'] : ['email', 'password'];
  const problems = names
    .filter((n) => typeof body[n] !== 'string' || body[n] === '')
    .map((n) => ({ path: n, message: `${n} is required` }));
  if (problems.length > 0) throw new ValidationError('the credentials are not complete', problems);
  return {
    email: (body.email as string).trim().toLowerCase(),
    password: body.password as string,
    newPassword: body.newPassword as string | undefined,
  };
}

function answer(outcome: SignInOutcome, choosing: boolean): HttpResult {
  switch (outcome.kind) {
    case 'signed-in':
      return {
        status: 200,
        body: { idToken: outcome.idToken, expiresIn: outcome.expiresIn, tokenType: 'Bearer' },
      };
    case 'new-password-required':
      return {
        status: 401,
        body: { message: 'Choose a new password to finish signing in', challenge: 'NEW_PASSWORD_REQUIRED' },
      };
    case 'password-refused':
      return {
        status: 400,
        body: { message: outcome.message, problems: [{ path: 'newPassword', message: outcome.message }] },
      };
    case 'wrong-credentials':
      return {
        status: 401,
        body: { message: choosing ? 'Incorrect email or temporary password' : 'Incorrect email or password' },
      };
  }
}
