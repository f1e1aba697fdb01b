/**
 * Signing in against the user pool with the web client: Cognito's USER_PASSWORD_AUTH flow, and its
 * NEW_PASSWORD_REQUIRED challenge for an invited user's first sign-in. The outcome is what the web app
 * understands (the local issuer answers the same): an ID token, the challenge, or wrong credentials —
 * never which of email or password was wrong.
 */
import {
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';

export type SignInOutcome =
  | { readonly kind: 'signed-in'; readonly idToken: string; readonly expiresIn: number }
  | { readonly kind: 'new-password-required' }
  | { readonly kind: 'wrong-credentials' }
  | { readonly kind: 'password-refused'; readonly message: string };

const WRONG = new Set(['NotAuthorizedException', 'UserNotFoundException', 'PasswordResetRequiredException']);

export class CognitoSignIn {
  constructor(
    private readonly cognito: CognitoIdentityProviderClient,
    private readonly clientId: string,
  ) {}

  async signIn(email: string, password: string): Promise<SignInOutcome> {
    const started = await this.start(email, password);
    if ('kind' in started) return started;
    if (started.challenge === 'NEW_PASSWORD_REQUIRED') return { kind: 'new-password-required' };
    return { kind: 'wrong-credentials' };
  }

  /** An invited user's first sign-in: the temporary password, then its own. */
  async completeNewPassword(email: string, password: string, newPassword: string): Promise<SignInOutcome> {
    const started = await this.start(email, password);
    if ('kind' in started) return started.kind === 'signed-in' ? { kind: 'wrong-credentials' } : started;
    if (started.challenge !== 'NEW_PASSWORD_REQUIRED') return { kind: 'wrong-credentials' };
    try {
      const answered = await this.cognito.send(
        new RespondToAuthChallengeCommand({
          ClientId: this.clientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: started.session,
          ChallengeResponses: { USERNAME: email, NEW_PASSWORD: newPassword },
        }),
      );
      return tokenOf(answered.AuthenticationResult);
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'InvalidPasswordException')
        return { kind: 'password-refused', message: (error as Error).message };
      if (WRONG.has(name)) return { kind: 'wrong-credentials' };
      throw error;
    }
  }

  private async start(
    email: string,
    password: string,
  ): Promise<SignInOutcome | { challenge: string | undefined; session: string | undefined }> {
    try {
      const result = await this.cognito.send(
        new InitiateAuthCommand({
          ClientId: this.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD: password },
        }),
      );
      if (result.AuthenticationResult !== undefined) return tokenOf(result.AuthenticationResult);
      return { challenge: result.ChallengeName, session: result.Session };
    } catch (error) {
      if (WRONG.has((error as Error).name)) return { kind: 'wrong-credentials' };
      throw error;
    }
  }
}

function tokenOf(result: { IdToken?: string; ExpiresIn?: number } | undefined): SignInOutcome {
  if (result?.IdToken === undefined) throw new Error('the user pool answered without an ID token');
  return { kind: 'signed-in', idToken: result.IdToken, expiresIn: result.ExpiresIn ?? 3600 };
}
