/**
 * A JWT verifier doing what API Gateway's HTTP API JWT authoriser does (the local gateway's authoriser, and
 * the Lambda authoriser's check of ID tokens on AWS): take the token
 * from `Authorization` (bare or after `Bearer `), find the signing key by `kid` in the key set the issuer's
 * discovery document points to, check the RS256 signature, then `iss`, `aud` (or `client_id` when there is
 * no `aud`), `exp`, `nbf` and `iat`. A passing token's claims reach the handler as API Gateway renders them:
 * every value a string. Beyond API Gateway it also requires `token_use: "id"` (handlers need the user
 * attributes only ID tokens carry; on AWS the handler's own check in caller-identity.ts rejects the rest).
 */
import { decodeJwt, MalformedJwtError, verifyRs256 } from './jwt-codec.ts';

export interface JwtAuthorizerConfig {
  /** The issuer tokens must name; `<issuer>/.well-known/openid-configuration` leads to its key set. */
  readonly issuer: string;
  /** App client ids the tokens may be for. */
  readonly audience: readonly string[];
}

export interface JwtAuthorizerOptions {
  /** Milliseconds since the epoch; tests move it. */
  readonly now?: () => number;
  readonly clockSkewSeconds?: number;
}

export type AuthorizerVerdict =
  | { readonly ok: true; readonly claims: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly reason: string };

type Jwk = Readonly<Record<string, unknown>>;

// A token with an unknown kid makes the authoriser refetch the key set (the issuer may have rotated), but
// not more often than this, so a stream of forged kids cannot turn into a stream of fetches.
const REFETCH_COOLDOWN_MS = 5_000;
const FETCH_TIMEOUT_MS = 2_000;

export class JwtAuthorizer {
  private keys = new Map<string, Jwk>();
  private fetchedAt: number | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly skew: number;

  constructor(
    readonly config: JwtAuthorizerConfig,
    options: JwtAuthorizerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.skew = options.clockSkewSeconds ?? 30;
  }

  async authorize(authorization: string | undefined): Promise<AuthorizerVerdict> {
    const deny = (reason: string): AuthorizerVerdict => ({ ok: false, reason });
    const token = authorization
      ?.trim()
      .replace(/^Bearer(\s+|$)/i, '')
      .trim();
    if (token === undefined || token === '') return deny('the token is missing');
    let jwt: ReturnType<typeof decodeJwt>;
    try {
      jwt = decodeJwt(token);
    } catch (error) {
      if (error instanceof MalformedJwtError) return deny(`the token is malformed: ${error.message}`);
      throw error;
    }
    if (jwt.header.alg !== 'RS256') return deny('the token is not signed with RS256');
    const kid = jwt.header.kid;
    const key = typeof kid === 'string' ? await this.key(kid) : undefined;
    if (key === undefined) return deny('the signing key of the token was not found');
    if (!verifyRs256(jwt, key)) return deny('the token signature is invalid');

    const claims = jwt.payload;
    const now = this.now() / 1000;
    if (claims.iss !== this.config.issuer) return deny('the token does not have a valid issuer');
    const audiences = claims.aud !== undefined ? [claims.aud].flat() : [claims.client_id];
    if (!audiences.some((aud) => typeof aud === 'string' && this.config.audience.includes(aud)))
      return deny('the token does not have a valid audience');
    if (typeof claims.exp !== 'number' || claims.exp + this.skew <= now) return deny('the token has expired');
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf - this.skew > now))
      return deny('the token is not valid yet');
    if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat - this.skew > now))
      return deny('the token was issued in the future');
    if (claims.token_use !== 'id') return deny('the token is not an ID token');
    return { ok: true, claims: apiGatewayClaims(claims) };
  }

  private async key(kid: string): Promise<Jwk | undefined> {
    const known = this.keys.get(kid);
    if (known !== undefined) return known;
    const since =
      this.fetchedAt === undefined ? Number.POSITIVE_INFINITY : performance.now() - this.fetchedAt;
    if (since < REFETCH_COOLDOWN_MS && this.refreshing === undefined) return undefined;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    await this.refreshing;
    return this.keys.get(kid);
  }

  private async refresh(): Promise<void> {
    this.fetchedAt = performance.now();
    const issuer = this.config.issuer;
    try {
      const discovery = await getJson(`${issuer}/.well-known/openid-configuration`);
      if (discovery.issuer !== issuer)
        throw new Error(`the discovery document names issuer '${String(discovery.issuer)}'`);
      if (typeof discovery.jwks_uri !== 'string') throw new Error('the discovery document has no jwks_uri');
      const jwks = await getJson(discovery.jwks_uri);
      const keys = Array.isArray(jwks.keys) ? (jwks.keys as unknown[]) : [];
      this.keys = new Map(
        keys
          .filter((k): k is Jwk => typeof k === 'object' && k !== null && typeof (k as Jwk).kid === 'string')
          .map((k) => [k.kid as string, k]),
      );
    } catch (error) {
      // Tokens are refused (401) until the keys can be read; say why, since a 401 alone would not.
      process.stderr.write(
        `[authoriser] cannot read the signing keys of ${issuer}: ${(error as Error).message}\n`,
      );
    }
  }
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  const body: unknown = await response.json();
  if (typeof body !== 'object' || body === null) throw new Error(`GET ${url} did not answer a JSON object`);
  return body as Record<string, unknown>;
}

/**
 * Claims as API Gateway passes them to an integration: strings as they are, numbers and booleans as text,
 * arrays as `[a b]` (so `cognito:groups` becomes `[admin agent]`), objects as `map[k:v]`.
 */
export function apiGatewayClaims(payload: Readonly<Record<string, unknown>>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value !== null && value !== undefined) claims[name] = render(value);
  }
  return claims;
}

function render(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(render).join(' ')}]`;
  if (typeof value === 'object' && value !== null)
    return `map[${Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}:${render(v)}`)
      .join(' ')}]`;
  return value === null ? '<nil>' : String(value);
}
