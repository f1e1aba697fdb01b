/**
 * `npm start`: builds the web app, starts the local cloud, prints where everything is and a `ready` line,
 * and stops every child process on Ctrl-C, SIGTERM, or when its own parent goes away.
 */
import { resolve } from 'node:path';
import { JavaMissingError } from './dynamodb-local.ts';
import { type LocalCloud, startLocalCloud } from './local-cloud.ts';
import { parseLocalSettings, UsageError, usage } from './local-settings.ts';

const began = Date.now();
// The SDK is pinned to versions that support Node 20 (see shared toolchain notes); its notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const say = (line: string) => process.stdout.write(`${line}\n`);
const fail = (message: string, code = 1): never => {
  process.stderr.write(`openline: ${message}\n`);
  process.exit(code);
};

let settings: ReturnType<typeof parseLocalSettings>;
try {
  settings = parseLocalSettings(process.argv.slice(2), process.env);
} catch (error) {
  if (error instanceof UsageError) fail(`${error.message}\n\n${usage}`, 2);
  throw error;
}
if (settings === 'help') {
  say(usage);
  process.exit(0);
}

let cloud: LocalCloud | undefined;
let stopping = false;
async function shutdown(reason: string, code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say(`\nstopping (${reason})...`);
  // A second Ctrl-C must not leave children behind: the stop below escalates to SIGKILL on its own.
  await cloud?.stop();
  say('stopped');
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void shutdown(signal, 0));
}
// If whatever started us dies without a signal, do not linger as an orphan holding the ports.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown('parent process exited', 0);
}, 1_000).unref();

try {
  if (settings.buildWeb) {
    say('building the web app...');
    const { build } = await import('vite');
    await build({ configFile: resolve(import.meta.dirname, '../../web/vite.config.ts'), logLevel: 'warn' });
  }
  cloud = await startLocalCloud(settings, (line) => say(line));
} catch (error) {
  if (error instanceof JavaMissingError) fail(error.message);
  fail(`the local cloud did not start: ${(error as Error).message}`);
}
if (stopping) process.exit(0);

const { urls, endpoints, numbers, demo } = cloud as LocalCloud;
for (const warning of (cloud as LocalCloud).warnings) say(`warning: ${warning}`);
say(`
Openline local cloud (${settings.dataDir === undefined ? 'in-memory' : `data in ${settings.dataDir}/`})
  Web app          ${urls.web}
  Health           ${urls.health}
  HTTP API         ${urls.api}
  WebSocket API    ${urls.websocket}
  Auth (issuer)    ${urls.auth} (local user pool: POST /_auth/users, POST /_auth/token)
  DynamoDB Local   ${endpoints.dynamodb}
  kinesis-local    ${endpoints.kinesis}
  S3 (s3rver)      ${endpoints.s3}`);
if (settings.network !== undefined) {
  // One region of a phone network outside (the failover drill): no numbers or demo tenant of its own.
  say(`  Chime SDK Voice  ${endpoints.chimeSdkVoice} (outside; region ${settings.region})
`);
} else if (demo !== undefined) {
  say(`  Chime SDK Voice  ${endpoints.chimeSdkVoice} (virtual PSTN: ${urls.web.replace(/^http/, 'ws')}_pstn/ws)
${numbers
  .map(
    (n) =>
      `  Phone number     ${n.phoneNumber} (SIP rule: ${n.sipMediaApplications.map((s) => s.region).join(' then ')})
                   try: npm run call -- --to ${n.phoneNumber} --digits 1`,
  )
  .join('\n')}
  Shared number    ${demo.extension.accessNumber} (the demo shop's code: ${demo.extension.code})
                   try: npm run call -- --to ${demo.extension.accessNumber} --digits ${demo.extension.code}#,1
  Sign up          ${urls.web}signup   (a new contact center with a number of its own)

Demo tenant '${demo.tenantId}' (${demo.name}), IVR flow '${demo.flow.id}' version ${demo.flow.version}; local-only users:
${demo.users.map((u) => `  ${u.email.padEnd(32)} ${u.password.padEnd(16)} ${u.groups.join(', ')}`).join('\n')}
`);
}
say(`Openline is ready in ${((Date.now() - began) / 1000).toFixed(1)} s (press Ctrl-C to stop)`);
