/**
 * The signed-in user: an ID token from the same issuer the API trusts (the local cloud's `/_auth`, a stand-in
 * for the Cognito user pool), kept in sessionStorage so a reloaded page stays signed in (and a closed tab
 * does not).
 */
const KEY = 'openline.idToken';

export interface Session {
  readonly idToken: string;
  readonly email: string;
  readonly tenantId: string;
  readonly groups: readonly string[];
  readonly expiresAt: number;
}

export function currentSession(): Session | undefined {
  const token = sessionStorage.getItem(KEY);
  const session = token === null ? undefined : decode(token);
  if (session === undefined || session.expiresAt <= Date.now()) {
    sessionStorage.removeItem(KEY);
    return undefined;
  }
  return session;
}

/** The user signed in with a temporary password: it must choose its own (completeNewPassword). */
export class NewPasswordRequired extends Error {
  override readonly name = 'NewPasswordRequired';
}

export async function signIn(email: string, password: string): Promise<Session> {
  return tokenFrom('/_auth/token', { email, password });
}

/** Replaces an invited user's temporary password with its own, and signs it in. */
export async function completeNewPassword(
  email: string,
  password: string,
  newPassword: string,
): Promise<Session> {
  return tokenFrom('/_auth/password', { email, password, newPassword });
}

async function tokenFrom(path: string, request: Record<string, string>): Promise<Session> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = (await response.json().catch(() => ({}))) as {
    idToken?: string;
    message?: string;
    challenge?: string;
    problems?: { message: string }[];
  };
  if (body.challenge === 'NEW_PASSWORD_REQUIRED')
    throw new NewPasswordRequired(body.message ?? 'Choose a new password');
  if (!response.ok || body.idToken === undefined)
    throw new Error(
      body.problems?.map((p) => p.message).join('; ') ??
        body.message ??
        `sign-in failed (${response.status})`,
    );
  const session = decode(body.idToken);
  if (session === undefined) throw new Error('the sign-in service answered with an unreadable token');
  sessionStorage.setItem(KEY, body.idToken);
  return session;
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}

function decode(token: string): Session | undefined {
  try {
    const payload = token.split('.')[1] ?? '';
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    const groups = claims['cognito:groups'];
    return {
      idToken: token,
      email: String(claims.email ?? ''),
      tenantId: String(claims['custom:tenant_id'] ?? ''),
      groups: Array.isArray(groups) ? groups.map(String) : [],
      expiresAt: Number(claims.exp ?? 0) * 1000,
    };
  } catch {
    return undefined;
  }
}
