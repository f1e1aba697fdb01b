/**
 * What each function may do on AWS, read from the code it bundles rather than declared by hand: esbuild
 * lists the repository files a handler module pulls in; the SDK commands those files send become the IAM
 * actions, and the resources they name (`tables.live`, `buckets.recordings`, …) become the resources.
 * A new command fails synthesis until it is mapped here, so no function ships with a guessed grant.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { buildSync } from 'esbuild';

export type Service =
  | 'dynamodb'
  | 's3'
  | 'kinesis'
  | 'athena'
  | 'chimeVoice'
  | 'chimeMeetings'
  | 'cognito'
  | 'websocket';

/** SDK command → the IAM actions it needs. Transactions and batches check each item's own action. */
export const commandActions: Readonly<Record<string, { service: Service; actions: readonly string[] }>> = {
  GetCommand: { service: 'dynamodb', actions: ['dynamodb:GetItem'] },
  GetItemCommand: { service: 'dynamodb', actions: ['dynamodb:GetItem'] },
  PutCommand: { service: 'dynamodb', actions: ['dynamodb:PutItem'] },
  PutItemCommand: { service: 'dynamodb', actions: ['dynamodb:PutItem'] },
  UpdateCommand: { service: 'dynamodb', actions: ['dynamodb:UpdateItem'] },
  UpdateItemCommand: { service: 'dynamodb', actions: ['dynamodb:UpdateItem'] },
  DeleteCommand: { service: 'dynamodb', actions: ['dynamodb:DeleteItem'] },
  DeleteItemCommand: { service: 'dynamodb', actions: ['dynamodb:DeleteItem'] },
  QueryCommand: { service: 'dynamodb', actions: ['dynamodb:Query'] },
  TransactWriteCommand: {
    service: 'dynamodb',
    actions: [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:ConditionCheckItem',
    ],
  },
  BatchWriteCommand: { service: 'dynamodb', actions: ['dynamodb:BatchWriteItem'] },
  GetObjectCommand: { service: 's3', actions: ['s3:GetObject'] },
  PutObjectCommand: { service: 's3', actions: ['s3:PutObject'] },
  DeleteObjectCommand: { service: 's3', actions: ['s3:DeleteObject'] },
  PutRecordsCommand: { service: 'kinesis', actions: ['kinesis:PutRecords'] },
  StartQueryExecutionCommand: { service: 'athena', actions: ['athena:StartQueryExecution'] },
  GetQueryExecutionCommand: { service: 'athena', actions: ['athena:GetQueryExecution'] },
  GetQueryResultsCommand: { service: 'athena', actions: ['athena:GetQueryResults'] },
  StopQueryExecutionCommand: { service: 'athena', actions: ['athena:StopQueryExecution'] },
  UpdateSipMediaApplicationCallCommand: {
    service: 'chimeVoice',
    actions: ['chime:UpdateSipMediaApplicationCall'],
  },
  CreateSipMediaApplicationCallCommand: {
    service: 'chimeVoice',
    actions: ['chime:CreateSipMediaApplicationCall'],
  },
  SearchAvailablePhoneNumbersCommand: {
    service: 'chimeVoice',
    actions: ['chime:SearchAvailablePhoneNumbers'],
  },
  CreatePhoneNumberOrderCommand: { service: 'chimeVoice', actions: ['chime:CreatePhoneNumberOrder'] },
  GetPhoneNumberOrderCommand: { service: 'chimeVoice', actions: ['chime:GetPhoneNumberOrder'] },
  DeletePhoneNumberCommand: { service: 'chimeVoice', actions: ['chime:DeletePhoneNumber'] },
  CreateSipRuleCommand: { service: 'chimeVoice', actions: ['chime:CreateSipRule'] },
  GetSipRuleCommand: { service: 'chimeVoice', actions: ['chime:GetSipRule'] },
  UpdateSipRuleCommand: { service: 'chimeVoice', actions: ['chime:UpdateSipRule'] },
  DeleteSipRuleCommand: { service: 'chimeVoice', actions: ['chime:DeleteSipRule'] },
  ListSipRulesCommand: { service: 'chimeVoice', actions: ['chime:ListSipRules'] },
  CreateMeetingCommand: { service: 'chimeMeetings', actions: ['chime:CreateMeeting'] },
  GetMeetingCommand: { service: 'chimeMeetings', actions: ['chime:GetMeeting'] },
  DeleteMeetingCommand: { service: 'chimeMeetings', actions: ['chime:DeleteMeeting'] },
  CreateAttendeeCommand: { service: 'chimeMeetings', actions: ['chime:CreateAttendee'] },
  DeleteAttendeeCommand: { service: 'chimeMeetings', actions: ['chime:DeleteAttendee'] },
  AdminCreateUserCommand: { service: 'cognito', actions: ['cognito-idp:AdminCreateUser'] },
  AdminGetUserCommand: { service: 'cognito', actions: ['cognito-idp:AdminGetUser'] },
  AdminDeleteUserCommand: { service: 'cognito', actions: ['cognito-idp:AdminDeleteUser'] },
  AdminSetUserPasswordCommand: { service: 'cognito', actions: ['cognito-idp:AdminSetUserPassword'] },
  AdminAddUserToGroupCommand: { service: 'cognito', actions: ['cognito-idp:AdminAddUserToGroup'] },
  AdminRemoveUserFromGroupCommand: {
    service: 'cognito',
    actions: ['cognito-idp:AdminRemoveUserFromGroup'],
  },
  PostToConnectionCommand: { service: 'websocket', actions: ['execute-api:ManageConnections'] },
  // A user's own sign-in: Cognito's public API, no IAM permission.
  InitiateAuthCommand: { service: 'cognito', actions: [] },
  RespondToAuthChallengeCommand: { service: 'cognito', actions: [] },
};

export interface FunctionAccess {
  /** IAM actions by service. */
  readonly actions: ReadonlyMap<Service, ReadonlySet<string>>;
  /** Resource catalogue ids the bundled code names: tables, buckets, streams. */
  readonly tables: ReadonlySet<string>;
  readonly buckets: ReadonlySet<string>;
  readonly streams: ReadonlySet<string>;
  /** Repository files in the bundle, for error messages and tests. */
  readonly files: readonly string[];
}

const COMMAND = /\bnew ([A-Z]\w*Command)\b/g;
const named = (kind: string) => new RegExp(`\\b${kind}(?:\\.([a-z][\\w]*)|\\['([a-z][\\w-]*)'\\])`, 'g');

/**
 * Reads the access of each handler module (paths relative to `functionsDir`). `known` lists the catalogue
 * ids, so a file name such as `tables.ts` is not mistaken for a table.
 */
export function functionAccess(
  repoRoot: string,
  functionsDir: string,
  modules: readonly string[],
  known: { tables: readonly string[]; buckets: readonly string[]; streams: readonly string[] },
): ReadonlyMap<string, FunctionAccess> {
  const entries = modules.map((m) => resolve(functionsDir, m));
  const result = buildSync({
    entryPoints: entries,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir: resolve(repoRoot, 'cdk.out', 'function-access'),
    logLevel: 'silent',
  });
  const byEntry = new Map<string, FunctionAccess>();
  const sources = new Map<string, string>();
  const read = (file: string) => {
    let text = sources.get(file);
    if (text === undefined) {
      text = readFileSync(resolve(repoRoot, file), 'utf8');
      sources.set(file, text);
    }
    return text;
  };
  for (const output of Object.values(result.metafile.outputs)) {
    if (output.entryPoint === undefined) continue;
    const entry = resolve(repoRoot, output.entryPoint);
    const module = relative(functionsDir, entry);
    const files = Object.keys(output.inputs)
      .map((f) => relative(repoRoot, resolve(repoRoot, f)))
      .filter((f) => !f.startsWith('node_modules'));
    const actions = new Map<Service, Set<string>>();
    const ids = { tables: new Set<string>(), buckets: new Set<string>(), streams: new Set<string>() };
    for (const file of files) {
      const text = read(file);
      for (const [, command] of text.matchAll(COMMAND)) {
        const mapped = commandActions[command as string];
        if (mapped === undefined)
          throw new Error(
            `${file} sends ${command}: map it to IAM actions in infra/constructs/function-access.ts`,
          );
        const set = actions.get(mapped.service) ?? new Set<string>();
        for (const action of mapped.actions) set.add(action);
        actions.set(mapped.service, set);
      }
      for (const kind of ['tables', 'buckets', 'streams'] as const) {
        for (const match of text.matchAll(named(kind))) {
          const id = match[1] ?? match[2];
          if (id !== undefined && known[kind].includes(id)) ids[kind].add(id);
        }
      }
    }
    byEntry.set(module, { actions, ...ids, files });
  }
  for (const module of modules)
    if (!byEntry.has(module)) throw new Error(`esbuild produced no bundle for functions/${module}`);
  return byEntry;
}
