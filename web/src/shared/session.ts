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

export async function signIn(email: string, password: string): Promise<Session> {
  const response = await fetch('/_auth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await response.json().catch(() => ({}))) as { idToken?: string; message?: string };
  if (!response.ok || body.idToken === undefined)
    throw new Error(body.message ?? `sign-in failed (${response.status})`);
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
