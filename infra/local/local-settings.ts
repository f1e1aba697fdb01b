/**
 * Settings of the local cloud process itself (not of the handlers it hosts): ports, data folder, Java.
 * Every port can be set through the environment; 0 asks for any free port (the test harness does).
 */
import { z } from 'zod';
import type { SipTarget } from '../../layers/domain/tenancy/provision-tenant.ts';

export interface LocalSettings {
  readonly region: string;
  /** The standby region: the local cloud runs a SIP media application there too, for failover tests. */
  readonly standbyRegion: string;
  readonly ports: {
    web: number;
    dynamodb: number;
    kinesis: number;
    kinesisTls: number;
    s3: number;
    chime: number;
    athena: number;
  };
  /** Folder that keeps data across restarts, or undefined for in-memory. */
  readonly dataDir: string | undefined;
  readonly java: string;
  readonly buildWeb: boolean;
  /** How long the local Firehose stand-in gathers call events before writing a lake file. */
  readonly lakeBufferMs: number;
  /**
   * Puts the fault-injecting proxy in front of DynamoDB Local (the handlers reach DynamoDB through it), so
   * that `/_emulator/faults` can throttle and conflict requests. Off by default: it costs a hop.
   */
  readonly faultInjection: boolean;
  /**
   * A phone network outside this process (the failover drill's): its Chime emulator's endpoint and the
   * platform's SIP media applications there, primary first. Then this process is one region: it starts no
   * Chime emulator, seeds no demo tenant, and serves its SMA functions over Lambda's Invoke API.
   */
  readonly network: { readonly chimeEndpoint: string; readonly sipTargets: readonly SipTarget[] } | undefined;
}

export const portDefaults = {
  OPENLINE_PORT: 3000,
  OPENLINE_DYNAMODB_PORT: 8000,
  OPENLINE_KINESIS_PORT: 4567,
  OPENLINE_KINESIS_TLS_PORT: 4568,
  OPENLINE_S3_PORT: 4569,
  OPENLINE_CHIME_PORT: 4570,
  OPENLINE_ATHENA_PORT: 4571,
} as const;

const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);

const envSchema = z.object({
  OPENLINE_PORT: port(portDefaults.OPENLINE_PORT),
  OPENLINE_DYNAMODB_PORT: port(portDefaults.OPENLINE_DYNAMODB_PORT),
  OPENLINE_KINESIS_PORT: port(portDefaults.OPENLINE_KINESIS_PORT),
  OPENLINE_KINESIS_TLS_PORT: port(portDefaults.OPENLINE_KINESIS_TLS_PORT),
  OPENLINE_S3_PORT: port(portDefaults.OPENLINE_S3_PORT),
  OPENLINE_CHIME_PORT: port(portDefaults.OPENLINE_CHIME_PORT),
  OPENLINE_ATHENA_PORT: port(portDefaults.OPENLINE_ATHENA_PORT),
  OPENLINE_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/)
    .default('us-east-1'),
  OPENLINE_STANDBY_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/)
    .default('us-west-2'),
  OPENLINE_JAVA: z.string().min(1).optional(),
  OPENLINE_LAKE_BUFFER_MS: z.coerce.number().int().min(0).max(900_000).default(2_000),
  OPENLINE_FAULT_INJECTION: z.enum(['on', 'off']).default('off'),
  OPENLINE_CHIME_ENDPOINT: z
    .string()
    .regex(/^http:\/\/127\.0\.0\.1:\d+$/, 'must be http://127.0.0.1:<port>')
    .optional(),
  OPENLINE_SIP_TARGETS: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.array(z.object({ region: z.string().min(1), sipMediaApplicationId: z.string().min(1) })).min(1))
    .optional(),
  JAVA_HOME: z.string().min(1).optional(),
});

export const usage = `Usage: npm start -- [options]

Runs the whole Openline contact center on this machine.

Options:
  --data-dir <dir>   keep data across restarts in <dir> (default: .openline)
  --in-memory        keep nothing: every start is a clean slate
  --no-web-build     serve web/dist as it is instead of building it first
  --help             show this help

Environment (defaults): ${Object.entries(portDefaults)
  .map(([k, v]) => `${k}=${v}`)
  .join(', ')},
  OPENLINE_REGION=us-east-1, OPENLINE_STANDBY_REGION=us-west-2, OPENLINE_JAVA (java binary; default $JAVA_HOME/bin/java or java),
  OPENLINE_LAKE_BUFFER_MS=2000 (how long call records gather before a lake file is written),
  OPENLINE_FAULT_INJECTION=off (on: DynamoDB through a fault proxy, faults set by PUT /_emulator/faults).
  A port of 0 means any free port.
  OPENLINE_CHIME_ENDPOINT and OPENLINE_SIP_TARGETS (together; the failover drill sets them): run one region
  against an outside phone network instead of starting a Chime emulator.`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseLocalSettings(argv: readonly string[], env: NodeJS.ProcessEnv): LocalSettings | 'help' {
  let dataDir: string | undefined = '.openline';
  let buildWeb = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--in-memory') dataDir = undefined;
    else if (arg === '--no-web-build') buildWeb = false;
    else if (arg === '--data-dir') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError('--data-dir needs a folder');
      dataDir = value;
    } else if (arg?.startsWith('--data-dir=')) dataDir = arg.slice('--data-dir='.length);
    else throw new UsageError(`unknown option '${arg}'`);
  }
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const e = parsed.data;
  if (e.OPENLINE_STANDBY_REGION === e.OPENLINE_REGION) {
    throw new UsageError('OPENLINE_STANDBY_REGION must differ from OPENLINE_REGION');
  }
  if ((e.OPENLINE_CHIME_ENDPOINT === undefined) !== (e.OPENLINE_SIP_TARGETS === undefined)) {
    throw new UsageError('OPENLINE_CHIME_ENDPOINT and OPENLINE_SIP_TARGETS go together');
  }
  return {
    region: e.OPENLINE_REGION,
    standbyRegion: e.OPENLINE_STANDBY_REGION,
    ports: {
      web: e.OPENLINE_PORT,
      dynamodb: e.OPENLINE_DYNAMODB_PORT,
      kinesis: e.OPENLINE_KINESIS_PORT,
      kinesisTls: e.OPENLINE_KINESIS_TLS_PORT,
      s3: e.OPENLINE_S3_PORT,
      chime: e.OPENLINE_CHIME_PORT,
      athena: e.OPENLINE_ATHENA_PORT,
    },
    dataDir,
    java: e.OPENLINE_JAVA ?? (e.JAVA_HOME === undefined ? 'java' : `${e.JAVA_HOME}/bin/java`),
    buildWeb,
    lakeBufferMs: e.OPENLINE_LAKE_BUFFER_MS,
    faultInjection: e.OPENLINE_FAULT_INJECTION === 'on',
    network:
      e.OPENLINE_CHIME_ENDPOINT === undefined || e.OPENLINE_SIP_TARGETS === undefined
        ? undefined
        : { chimeEndpoint: e.OPENLINE_CHIME_ENDPOINT, sipTargets: e.OPENLINE_SIP_TARGETS },
  };
}

/**
 * A local cloud for a benchmark or a battery in its own process: in memory, every port free, the web app
 * served as built; `env` adds settings (fault injection, say).
 */
export function throwawaySettings(env: NodeJS.ProcessEnv = {}): LocalSettings {
  const settings = parseLocalSettings(['--in-memory', '--no-web-build'], {
    ...Object.fromEntries(Object.keys(portDefaults).map((name) => [name, '0'])),
    JAVA_HOME: process.env.JAVA_HOME,
    ...env,
  });
  if (settings === 'help') throw new Error('unexpected help');
  return settings;
}
