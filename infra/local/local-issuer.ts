/**
 * A stand-in for a Cognito user pool, local only: users with scrypt-hashed passwords and an RS256 key,
 * issuing ID tokens of the same shape as Cognito's (`custom:tenant_id`, `cognito:groups`, one hour) under
 * `/_auth/` on the local cloud's web port. With a data folder the key and the users are kept there, so
 * users and unexpired tokens survive a restart (on the same port: the port is part of the issuer URL).
 *
 *   GET  /_auth/.well-known/openid-configuration   → { issuer, jwks_uri, … }
 *   GET  /_auth/.well-known/jwks.json              → { keys: [ … ] }
 *   POST /_auth/token   { email, password }                    → { idToken, expiresIn, tokenType }; an invited
 *        user's temporary password → 401 { challenge: 'NEW_PASSWORD_REQUIRED' }
 *   POST /_auth/password { email, password, newPassword }      → its own password chosen, and a token
 *   POST /_auth/users   { email, password, tenantId, groups, userId? }  → 201 the user (local-only, like
 *        AdminCreateUser); `userId` (a UUID) gives the user a chosen `sub`, which Cognito cannot do: the
 *        failover drill makes an agent in the standby region's pool with the primary's `sub`
 *   POST /_auth/cognito  the Cognito user pool admin API subset handlers call (AdminCreateUser,
 *        AdminSetUserPassword, AdminAddUserToGroup, AdminRemoveUserFromGroup, AdminGetUser, AdminDeleteUser): the JSON 1.1 protocol
 *        of `@aws-sdk/client-cognito-identity-provider`, with the email as user name (an email-username pool)
 */
import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { type UserGroup, userGroups } from '../../layers/adapters/caller-identity.ts';
import { ConflictError, ValidationError } from '../../layers/domain/errors.ts';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { EMAIL, passwordProblems } from '../../layers/domain/tenancy/password-policy.ts';
import { exportPrivateJwk, generateSigningKey, type SigningKey, signingKeyFromJwk, signJwt } from './jwt.ts';

/** The app client id the local web app signs in with, and so the gateway authoriser's audience. */
export const LOCAL_AUDIENCE = 'openline-local-web';
/** Cognito's default ID token lifetime. */
export const ID_TOKEN_LIFETIME_SECONDS = 3600;

export interface LocalIssuerOptions {
  /** `http://127.0.0.1:<web port>/_auth`: the `iss` of every token. */
  readonly issuer: string;
  readonly audience?: string;
  /** Folder for the signing key and the users; undefined keeps them in memory. */
  readonly dataDir?: string;
  /** Milliseconds since the epoch; tests move it. */
  readonly now?: () => number;
  /** The pool id the admin API answers to (`<region>_<id>`, like Cognito's). */
  readonly userPoolId?: string;
}

export const LOCAL_USER_POOL_SUFFIX = 'OpenlineLocal';

export interface LocalUser {
  readonly userId: string;
  readonly email: string;
  readonly tenantId: string;
  readonly groups: readonly UserGroup[];
  readonly createdAt: string;
}

interface StoredUser extends LocalUser {
  readonly passwordHash: string;
  /** Cognito's: a user created without a password of its own cannot sign in until it has one. */
  readonly status?: 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD';
}

export interface IdTokenResponse {
  readonly idToken: string;
  readonly expiresIn: number;
  readonly tokenType: 'Bearer';
}

export interface LocalIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** The path prefix it serves on the web port. */
  readonly path: string;
  owns(path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  /** AdminCreateUser: ValidationError listing every problem, ConflictError if the email is taken. */
  createUser(input: unknown): Promise<LocalUser>;
  /** An ID token, or undefined for wrong credentials (without saying which part was wrong). */
  signIn(email: string, password: string): Promise<IdTokenResponse | undefined>;
  /** AdminGetUser: the user with this email, if any. */
  findUser(email: string): LocalUser | undefined;
  health(): {
    status: 'up';
    endpoint: string;
    issuer: string;
    audience: string;
    users: number;
    userPoolId: string;
    adminEndpoint: string;
  };
}

const MAX_BODY_BYTES = 64 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SCRYPT = { N: 16_384, r: 8, p: 1, keyLength: 32 };

export async function startLocalIssuer(options: LocalIssuerOptions): Promise<LocalIssuer> {
  const issuer = options.issuer.replace(/\/+$/, '');
  const audience = options.audience ?? LOCAL_AUDIENCE;
  const now = options.now ?? Date.now;
  const path = new URL(issuer).pathname;
  const userPoolId = options.userPoolId ?? `us-east-1_${LOCAL_USER_POOL_SUFFIX}`;
  const store = options.dataDir === undefined ? undefined : fileStore(options.dataDir);
  const key = store?.readKey() ?? (await generateSigningKey());
  store?.writeKey(key);
  const users = new Map<string, StoredUser>((store?.readUsers() ?? []).map((u) => [u.email, u]));
  // Unknown emails are checked against this hash, so they take as long to refuse as wrong passwords.
  const decoy = await hashPassword(randomBytes(16).toString('hex'));

  const createUser = async (input: unknown): Promise<LocalUser> => {
    const fields = validateNewUser(input);
    if (users.has(fields.email)) throw new ConflictError('a user with this email already exists');
    const passwordHash = await hashPassword(fields.password);
    // Checked again: another request may have taken the email while the hash was computed.
    if (users.has(fields.email)) throw new ConflictError('a user with this email already exists');
    if (fields.userId !== undefined && [...users.values()].some((u) => u.userId === fields.userId))
      throw new ConflictError('a user with this userId already exists');
    const user: StoredUser = {
      userId: fields.userId ?? randomUUID(),
      email: fields.email,
      tenantId: fields.tenantId,
      groups: fields.groups,
      createdAt: new Date(now()).toISOString(),
      passwordHash,
    };
    users.set(user.email, user);
    store?.writeUsers([...users.values()]);
    return publicView(user);
  };

  /** The user whose password this is (confirmed or not), or undefined without saying which part was wrong. */
  const check = async (email: string, password: string): Promise<StoredUser | undefined> => {
    const user = users.get(email.trim().toLowerCase());
    const matches = await checkPassword(password, user?.passwordHash ?? decoy);
    return user !== undefined && matches ? user : undefined;
  };

  const signIn = async (email: string, password: string): Promise<IdTokenResponse | undefined> => {
    const user = await check(email, password);
    if (user === undefined || (user.status ?? 'CONFIRMED') !== 'CONFIRMED') return undefined;
    return tokenFor(user);
  };

  const tokenFor = (user: StoredUser): IdTokenResponse => {
    const issuedAt = Math.floor(now() / 1000);
    const claims: Record<string, unknown> = {
      sub: user.userId,
      email_verified: true,
      iss: issuer,
      'cognito:username': user.userId,
      aud: audience,
      token_use: 'id',
      auth_time: issuedAt,
      iat: issuedAt,
      exp: issuedAt + ID_TOKEN_LIFETIME_SECONDS,
      jti: randomUUID(),
      email: user.email,
      'custom:tenant_id': user.tenantId,
    };
    // Cognito leaves the claim out for a user in no group.
    if (user.groups.length > 0) claims['cognito:groups'] = [...user.groups];
    return { idToken: signJwt(claims, key), expiresIn: ID_TOKEN_LIFETIME_SECONDS, tokenType: 'Bearer' };
  };

  const routes: Record<string, Record<string, (body: unknown) => Promise<Reply>>> = {
    '/.well-known/openid-configuration': {
      GET: async () => ({
        status: 200,
        body: {
          issuer,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
          token_endpoint: `${issuer}/token`,
          response_types_supported: ['token'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        },
      }),
    },
    '/.well-known/jwks.json': { GET: async () => ({ status: 200, body: { keys: [key.publicJwk] } }) },
    '/token': {
      POST: async (body) => {
        const { email, password } = validateCredentials(body);
        const user = await check(email, password);
        if (user === undefined) return { status: 401, body: { message: 'Incorrect email or password' } };
        // An invited user signs in with its temporary password once, to choose its own (Cognito's
        // NEW_PASSWORD_REQUIRED challenge).
        if ((user.status ?? 'CONFIRMED') !== 'CONFIRMED')
          return {
            status: 401,
            body: {
              message: 'Choose a new password to finish signing in',
              challenge: 'NEW_PASSWORD_REQUIRED',
            },
          };
        return { status: 200, body: tokenFor(user) };
      },
    },
    '/password': {
      POST: async (body) => {
        const { email, password, newPassword } = validateNewPassword(body);
        const user = await check(email, password);
        if (user === undefined || (user.status ?? 'CONFIRMED') === 'CONFIRMED')
          return { status: 401, body: { message: 'Incorrect email or temporary password' } };
        const confirmed: StoredUser = {
          ...user,
          passwordHash: await hashPassword(newPassword),
          status: 'CONFIRMED',
        };
        users.set(user.email, confirmed);
        store?.writeUsers([...users.values()]);
        return { status: 200, body: tokenFor(confirmed) };
      },
    },
    '/users': { POST: async (body) => ({ status: 201, body: await createUser(body) }) },
  };

  const admin = cognitoAdminApi({
    userPoolId,
    now,
    users,
    save: () => store?.writeUsers([...users.values()]),
    hash: hashPassword,
    client: { id: audience, check, tokenFor },
  });

  return {
    issuer,
    audience,
    path,
    owns: (p) => p === path || p.startsWith(`${path}/`),
    handle: async (req, res, url) => {
      // Own properties only: a path or method must never resolve to something inherited from Object.
      const route = url.pathname.slice(path.length);
      if (route === '/cognito' || route === '/cognito/') return admin(req, res);
      const methods = Object.hasOwn(routes, route) ? routes[route] : undefined;
      const method = req.method ?? 'GET';
      const run = methods !== undefined && Object.hasOwn(methods, method) ? methods[method] : undefined;
      if (methods === undefined) return reply(res, { status: 404, body: { message: 'Not Found' } });
      if (run === undefined)
        return reply(res, { status: 405, body: { message: 'Method Not Allowed' } }, Object.keys(methods));
      try {
        reply(res, await run(method === 'POST' ? await readJson(req) : undefined));
      } catch (error) {
        if (error instanceof ValidationError)
          reply(res, { status: 400, body: { message: error.message, problems: error.problems } });
        else if (error instanceof ConflictError)
          reply(res, { status: 409, body: { message: error.message } });
        else if (error instanceof BodyTooLargeError)
          reply(res, { status: 413, body: { message: error.message } });
        else throw error;
      }
    },
    createUser,
    signIn,
    findUser: (email: string) => {
      const user = users.get(email.trim().toLowerCase());
      return user === undefined ? undefined : publicView(user);
    },
    health: () => ({
      status: 'up',
      endpoint: issuer,
      issuer,
      audience,
      users: users.size,
      userPoolId,
      adminEndpoint: `${issuer}/cognito`,
    }),
  };
}

/**
 * The user pool admin operations handlers use, answering as Cognito does (JSON 1.1, `X-Amz-Target`,
 * errors as `{ __type, message }`), so the official client and the same adapter run here and on AWS.
 */
function cognitoAdminApi(pool: {
  userPoolId: string;
  now: () => number;
  users: Map<string, StoredUser>;
  save: () => void;
  hash: (password: string) => Promise<string>;
  /** The web client: what a user's own sign-in (InitiateAuth, RespondToAuthChallenge) goes through. */
  client: {
    id: string;
    check: (email: string, password: string) => Promise<StoredUser | undefined>;
    tokenFor: (user: StoredUser) => IdTokenResponse;
  };
}) {
  class CognitoError extends Error {
    constructor(
      readonly type: string,
      message: string,
    ) {
      super(message);
    }
  }
  const text = (body: Record<string, unknown>, name: string): string => {
    const value = body[name];
    if (typeof value !== 'string' || value === '')
      throw new CognitoError('InvalidParameterException', `${name} is required`);
    return value;
  };
  // A user is named by its email (an alias in an email pool) or by its user name, the `sub`.
  const userOf = (body: Record<string, unknown>): StoredUser => {
    const name = text(body, 'Username').trim();
    const user =
      pool.users.get(name.toLowerCase()) ?? [...pool.users.values()].find((u) => u.userId === name);
    if (user === undefined) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    return user;
  };
  const attributes = (user: StoredUser) => [
    { Name: 'sub', Value: user.userId },
    { Name: 'email', Value: user.email },
    { Name: 'email_verified', Value: 'true' },
    { Name: 'custom:tenant_id', Value: user.tenantId },
  ];
  const view = (user: StoredUser) => ({
    Username: user.email,
    UserCreateDate: Date.parse(user.createdAt) / 1000,
    UserLastModifiedDate: Date.parse(user.createdAt) / 1000,
    Enabled: true,
    UserStatus: user.status ?? 'CONFIRMED',
  });
  const put = (user: StoredUser) => {
    pool.users.set(user.email, user);
    pool.save();
  };
  const operations: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    AdminCreateUser: async (body) => {
      const email = text(body, 'Username').trim().toLowerCase();
      if (!EMAIL.test(email))
        throw new CognitoError('InvalidParameterException', 'Username should be an email.');
      const given = Array.isArray(body.UserAttributes)
        ? (body.UserAttributes as { Name: string; Value: string }[])
        : [];
      const tenant = given.find((a) => a.Name === 'custom:tenant_id')?.Value ?? '';
      try {
        tenantId(tenant);
      } catch {
        throw new CognitoError('InvalidParameterException', 'custom:tenant_id must be a tenant id');
      }
      if (pool.users.has(email))
        throw new CognitoError('UsernameExistsException', 'An account with the given email already exists.');
      const temporary =
        typeof body.TemporaryPassword === 'string'
          ? body.TemporaryPassword
          : randomBytes(24).toString('base64');
      const user: StoredUser = {
        userId: randomUUID(),
        email,
        tenantId: tenant,
        groups: [],
        createdAt: new Date(pool.now()).toISOString(),
        passwordHash: await pool.hash(temporary),
        status: 'FORCE_CHANGE_PASSWORD',
      };
      if (pool.users.has(email))
        throw new CognitoError('UsernameExistsException', 'An account with the given email already exists.');
      put(user);
      return { User: { ...view(user), Attributes: attributes(user) } };
    },
    AdminSetUserPassword: async (body) => {
      userOf(body);
      const password = text(body, 'Password');
      const problems = passwordProblems(password);
      if (problems.length > 0)
        throw new CognitoError(
          'InvalidPasswordException',
          `Password does not conform to policy: ${problems.join('; ')}`,
        );
      const passwordHash = await pool.hash(password);
      // Read again: the user may have changed while the hash was computed.
      put({
        ...userOf(body),
        passwordHash,
        status: body.Permanent === true ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD',
      });
      return {};
    },
    AdminAddUserToGroup: async (body) => {
      const group = text(body, 'GroupName');
      if (!userGroups.includes(group as UserGroup))
        throw new CognitoError('ResourceNotFoundException', 'Group not found.');
      const user = userOf(body);
      if (!user.groups.includes(group as UserGroup))
        put({ ...user, groups: userGroups.filter((g) => g === group || user.groups.includes(g)) });
      return {};
    },
    AdminRemoveUserFromGroup: async (body) => {
      const group = text(body, 'GroupName');
      if (!userGroups.includes(group as UserGroup))
        throw new CognitoError('ResourceNotFoundException', 'Group not found.');
      const user = userOf(body);
      put({ ...user, groups: user.groups.filter((g) => g !== group) });
      return {};
    },
    AdminGetUser: async (body) => {
      const user = userOf(body);
      return { ...view(user), UserAttributes: attributes(user) };
    },
    AdminDeleteUser: async (body) => {
      const user = userOf(body);
      pool.users.delete(user.email);
      pool.save();
      return {};
    },
  };
  // The user's own sign-in, as the web client (USER_PASSWORD_AUTH; an invited user's NEW_PASSWORD_REQUIRED).
  const sessions = new Map<string, { email: string; until: number }>();
  const authenticated = (user: StoredUser) => {
    const token = pool.client.tokenFor(user);
    return {
      AuthenticationResult: { IdToken: token.idToken, ExpiresIn: token.expiresIn, TokenType: 'Bearer' },
    };
  };
  const wrong = () => new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
  const clientOperations: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    InitiateAuth: async (body) => {
      if (body.AuthFlow !== 'USER_PASSWORD_AUTH')
        throw new CognitoError(
          'InvalidParameterException',
          'the local user pool signs in with USER_PASSWORD_AUTH',
        );
      const parameters = (body.AuthParameters ?? {}) as Record<string, unknown>;
      const user = await pool.client.check(
        String(parameters.USERNAME ?? ''),
        String(parameters.PASSWORD ?? ''),
      );
      if (user === undefined) throw wrong();
      if ((user.status ?? 'CONFIRMED') === 'CONFIRMED') return authenticated(user);
      const session = randomUUID();
      // Cognito's challenge sessions last three minutes.
      sessions.set(session, { email: user.email, until: pool.now() + 180_000 });
      return { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: session, ChallengeParameters: {} };
    },
    RespondToAuthChallenge: async (body) => {
      const held = sessions.get(String(body.Session ?? ''));
      const responses = (body.ChallengeResponses ?? {}) as Record<string, unknown>;
      if (body.ChallengeName !== 'NEW_PASSWORD_REQUIRED' || held === undefined || held.until < pool.now())
        throw new CognitoError('NotAuthorizedException', 'Invalid session for the user.');
      const user = pool.users.get(held.email);
      if (
        user === undefined ||
        String(responses.USERNAME ?? '')
          .trim()
          .toLowerCase() !== user.email
      )
        throw wrong();
      const newPassword = String(responses.NEW_PASSWORD ?? '');
      const refused = passwordProblems(newPassword);
      if (refused.length > 0)
        throw new CognitoError(
          'InvalidPasswordException',
          `Password does not conform to policy: ${refused.join('; ')}`,
        );
      sessions.delete(String(body.Session));
      const confirmed: StoredUser = {
        ...user,
        passwordHash: await pool.hash(newPassword),
        status: 'CONFIRMED',
      };
      put(confirmed);
      return authenticated(confirmed);
    },
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
    const target = String(req.headers['x-amz-target'] ?? '');
    const name = target.startsWith('AWSCognitoIdentityProviderService.') ? (target.split('.')[1] ?? '') : '';
    try {
      if (req.method === 'POST' && Object.hasOwn(clientOperations, name)) {
        const body = await readJson(req);
        if (typeof body !== 'object' || body === null || Array.isArray(body))
          throw new CognitoError('InvalidParameterException', 'the body must be a JSON object');
        if ((body as Record<string, unknown>).ClientId !== pool.client.id)
          throw new CognitoError('ResourceNotFoundException', 'User pool client does not exist.');
        send(
          200,
          await (clientOperations[name] as (b: Record<string, unknown>) => Promise<unknown>)(
            body as Record<string, unknown>,
          ),
        );
        return;
      }
      if (req.method !== 'POST' || !Object.hasOwn(operations, name))
        throw new CognitoError('UnknownOperationException', `the local user pool does not serve '${target}'`);
      const body = await readJson(req);
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new CognitoError('InvalidParameterException', 'the body must be a JSON object');
      if ((body as Record<string, unknown>).UserPoolId !== pool.userPoolId)
        throw new CognitoError(
          'ResourceNotFoundException',
          `User pool ${String((body as Record<string, unknown>).UserPoolId)} does not exist.`,
        );
      send(
        200,
        await (operations[name] as (b: Record<string, unknown>) => Promise<unknown>)(
          body as Record<string, unknown>,
        ),
      );
    } catch (error) {
      if (error instanceof CognitoError) send(400, { __type: error.type, message: error.message });
      else if (error instanceof ValidationError || error instanceof BodyTooLargeError)
        send(400, { __type: 'InvalidParameterException', message: error.message });
      else send(500, { __type: 'InternalErrorException', message: 'internal error' });
    }
  };
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

function reply(res: ServerResponse, { status, body }: Reply, allow?: readonly string[]): void {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  };
  if (allow !== undefined) headers.allow = allow.join(', ');
  res.writeHead(status, headers).end(JSON.stringify(body));
}

function publicView({ passwordHash: _, ...user }: StoredUser): LocalUser {
  return user;
}

class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(`the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ValidationError('the body must be a JSON object');
  }
}

type Problem = { path: string; message: string };

function fieldsOf(input: unknown, known: readonly string[], problems: Problem[]): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problems.push({ path: '', message: 'the body must be a JSON object' });
    return {};
  }
  for (const name of Object.keys(input))
    if (!known.includes(name)) problems.push({ path: name, message: `'${name}' is not a known field` });
  return input as Record<string, unknown>;
}

function validateNewPassword(input: unknown): { email: string; password: string; newPassword: string } {
  const problems: Problem[] = [];
  const body = fieldsOf(input, ['email', 'password', 'newPassword'], problems);
  for (const name of ['email', 'password', 'newPassword'] as const)
    if (typeof body[name] !== 'string' || body[name] === '')
      problems.push({ path: name, message: `${name} is required` });
  for (const message of passwordProblems(typeof body.newPassword === 'string' ? body.newPassword : ''))
    problems.push({ path: 'newPassword', message: message.replace(/^password/, 'newPassword') });
  if (problems.length > 0) throw new ValidationError('the new password is not valid', problems);
  return {
    email: body.email as string,
    password: body.password as string,
    newPassword: body.newPassword as string,
  };
}

function validateCredentials(input: unknown): { email: string; password: string } {
  const problems: Problem[] = [];
  const body = fieldsOf(input, ['email', 'password'], problems);
  for (const name of ['email', 'password'] as const)
    if (typeof body[name] !== 'string' || body[name] === '')
      problems.push({ path: name, message: `${name} is required` });
  if (problems.length > 0) throw new ValidationError('the sign-in request is not valid', problems);
  return { email: body.email as string, password: body.password as string };
}

/** The checks of AdminCreateUser on a pool with Cognito's default password policy. */
function validateNewUser(input: unknown): {
  email: string;
  password: string;
  tenantId: string;
  groups: UserGroup[];
  userId: string | undefined;
} {
  const problems: Problem[] = [];
  const body = fieldsOf(input, ['email', 'password', 'tenantId', 'groups', 'userId'], problems);
  const userId = body.userId;
  if (userId !== undefined && (typeof userId !== 'string' || !UUID.test(userId)))
    problems.push({ path: 'userId', message: 'userId, when given, must be a UUID' });
  const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
  if (!EMAIL.test(email) || email.length > 254)
    problems.push({ path: 'email', message: 'email must be an email address such as ada@example.com' });
  const password = typeof body.password === 'string' ? body.password : '';
  for (const message of passwordProblems(password)) problems.push({ path: 'password', message });
  const tenant = typeof body.tenantId === 'string' ? body.tenantId : '';
  try {
    tenantId(tenant);
  } catch (error) {
    problems.push({ path: 'tenantId', message: (error as Error).message });
  }
  const groups = Array.isArray(body.groups) ? (body.groups as unknown[]) : [];
  if (groups.length === 0)
    problems.push({
      path: 'groups',
      message: `groups must be a non-empty array of ${userGroups.join(', ')}`,
    });
  groups.forEach((group, i) => {
    if (!userGroups.includes(group as UserGroup))
      problems.push({
        path: `groups.${i}`,
        message: `'${String(group).slice(0, 40)}' is not a group (${userGroups.join(', ')})`,
      });
  });
  if (problems.length > 0) throw new ValidationError('the user is not valid', problems);
  return {
    email,
    password,
    tenantId: tenant,
    groups: userGroups.filter((g) => groups.includes(g)),
    userId: typeof userId === 'string' ? userId.toLowerCase() : undefined,
  };
}

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p }, (error, key) =>
      error === null ? resolve(key) : reject(error),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash`: the parameters travel with the hash, so they can be raised later. */
async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

async function checkPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, , , , salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The key and the users as two JSON files, each replaced whole (write, then rename) so none is half-written. */
function fileStore(dir: string) {
  const keyFile = join(dir, 'signing-key.json');
  const usersFile = join(dir, 'users.json');
  const read = (file: string): unknown => {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`cannot read ${file} (${(error as Error).message}); delete it to start afresh`);
    }
  };
  const write = (file: string, value: unknown) => {
    writeFileSync(`${file}.tmp`, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  };
  return {
    readKey: (): SigningKey | undefined =>
      existsSync(keyFile)
        ? signingKeyFromJwk(
            (read(keyFile) as { privateJwk: Parameters<typeof signingKeyFromJwk>[0] }).privateJwk,
          )
        : undefined,
    writeKey: (key: SigningKey) => {
      if (!existsSync(keyFile)) write(keyFile, { privateJwk: exportPrivateJwk(key) });
    },
    readUsers: (): StoredUser[] =>
      existsSync(usersFile) ? (read(usersFile) as { users: StoredUser[] }).users : [],
    writeUsers: (users: readonly StoredUser[]) => write(usersFile, { users }),
  };
}
