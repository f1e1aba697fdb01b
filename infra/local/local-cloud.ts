/**
 * The local cloud: real emulators (DynamoDB Local, kinesis-local, s3rver) as one process tree, our Chime
 * SDK Voice emulator with its virtual PSTN, every resource created from the shared definitions, and the
 * local API gateway hosting the handler modules in-process with the same environment variables Lambda
 * gives them on AWS.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import {
  httpRoutes,
  kinesisFunctions,
  scheduledFunctions,
  smaFunctions,
  streamFunctions,
  websocketRoutes,
} from '../../functions/routes.ts';
import { DynamoDbExtensions, type Extension } from '../../layers/adapters/dynamodb-extensions.ts';
import { PlatformTelephony } from '../../layers/adapters/platform-telephony.ts';
import { type AwsClients, createAwsClients } from '../../layers/config/aws-clients.ts';
import { loadConfig, type OpenlineConfig } from '../../layers/config/config.ts';
import { lakeNames, lakeTables } from '../../layers/resources/lake.ts';
import { startAthenaEmulator } from './athena/athena-emulator.ts';
import { bootstrapResources } from './bootstrap-resources.ts';
import { type ChimeEmulator, startChimeEmulator } from './chime/chime-emulator.ts';
import { emulatorControls } from './chime/emulator-controls.ts';
import { lambdaArn } from './chime/function-registry.ts';
import {
  createPlatformSipMediaApplications,
  type ProvisionedNumber,
  provisionNumber,
} from './chime/provision-telephony.ts';
import { serveDemoOrders } from './demo/demo-order-service.ts';
import { seedPlatformPrompts } from './demo/platform-prompts.ts';
import { DEMO_EXTENSION, type DemoTenant, seedDemoTenant } from './demo/seed-demo-tenant.ts';
import { type DemoUser, seedDemoRouting, seedDemoUsers } from './demo/seed-demo-users.ts';
import { startDynamoDbFaultProxy } from './dynamodb-fault-proxy.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { disorderRecords, faultControl, LocalFaults, smaDeliveryFaults } from './fault-injection.ts';
import { freePort } from './free-port.ts';
import { handlerEnvironment } from './handler-environment.ts';
import { HttpApiGateway } from './http-api-gateway.ts';
import { JwtAuthorizer } from './jwt-authorizer.ts';
import { type KinesisLocal, startKinesisLocal } from './kinesis-local.ts';
import { type KinesisBatchHandler, startKinesisMappings } from './kinesis-mappings.ts';
import { lakeWriter } from './lake-writer.ts';
import { loadHandler } from './lambda-context.ts';
import { lambdaInvokeEndpoint } from './lambda-invoke-endpoint.ts';
import {
  LOCAL_AUDIENCE,
  LOCAL_USER_POOL_SUFFIX,
  type LocalIssuer,
  startLocalIssuer,
} from './local-issuer.ts';
import type { LocalSettings } from './local-settings.ts';
import { buildLoopbackShim } from './loopback-only/loopback-shim.ts';
import { type S3Emulator, startS3Emulator } from './s3-emulator.ts';
import { startScheduler } from './scheduler.ts';
import { startStreamMappings } from './stream-mappings.ts';
import { startWebServer, type WebServer } from './web-server.ts';
import { WebSocketApiGateway } from './websocket-api-gateway.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const functionsDir = new URL('../../functions/', import.meta.url);

export interface LocalCloud {
  /** The environment the hosted handlers see (endpoints, resource names, credentials). */
  readonly env: Readonly<Record<string, string>>;
  readonly config: OpenlineConfig;
  readonly urls: { web: string; health: string; api: string; websocket: string; auth: string };
  readonly endpoints: { dynamodb: string; kinesis: string; s3: string; chimeSdkVoice: string };
  /** Phone numbers that reach the call-control handler, with their SIP rules. */
  readonly numbers: readonly ProvisionedNumber[];
  /** The seeded demo tenant: its number, published flow and local-only users (none in one region of a drill). */
  readonly demo: Demo | undefined;
  /** Why the emulators are not confined to 127.0.0.1, if they are not. */
  readonly warnings: readonly string[];
  /** PIDs of the child processes (DynamoDB Local, kinesis-local). */
  readonly childPids: readonly number[];
  /** The injected faults (all off until set, here or through `/_emulator/faults`). */
  readonly faults: LocalFaults;
  health(): Promise<HealthReport>;
  stop(): Promise<void>;
}

export type Demo = DemoTenant & { users: readonly DemoUser[]; extension: Extension };

export interface HealthReport {
  status: 'ok' | 'degraded';
  region: string;
  storage: string;
  services: Record<string, { status: 'up' | 'down'; endpoint: string; error?: string; [k: string]: unknown }>;
  resources: {
    tables: Record<string, string>;
    streams: Record<string, string>;
    buckets: Record<string, string>;
  };
  telephony: {
    regions: Record<string, 'up' | 'down'>;
    numbers: readonly ProvisionedNumber[];
    /** The shared access number: callers key a tenant's extension code (the demo shop's is in `demo`). */
    accessNumber?: string;
    /** The phone network outside this process, when it is one region of a drill. */
    network?: string;
  };
  /** The demo tenant and its local-only users (this is a developer's machine, bound to 127.0.0.1). */
  demo?: Demo;
}

export async function startLocalCloud(
  settings: LocalSettings,
  log: (line: string) => void,
): Promise<LocalCloud> {
  const stack: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stack.reverse()) await stop().catch(() => undefined);
    stack.length = 0;
  };
  try {
    const dataDir = settings.dataDir === undefined ? undefined : resolve(settings.dataDir);
    const folder = (name: string) => {
      if (dataDir === undefined) return undefined;
      const path = join(dataDir, name);
      mkdirSync(path, { recursive: true });
      return path;
    };
    const pick = async (p: number) => (p === 0 ? freePort() : p);
    const [dynamoPort, kinesisPort, kinesisTlsPort, chimePort, athenaPort] = [
      await pick(settings.ports.dynamodb),
      await pick(settings.ports.kinesis),
      await pick(settings.ports.kinesisTls),
      // One region of an outside phone network has no Chime emulator (and must not take a port another
      // region was given but has not bound yet).
      settings.network === undefined ? await pick(settings.ports.chime) : 0,
      await pick(settings.ports.athena),
    ];

    const warnings: string[] = [];
    const shim = await buildLoopbackShim(join(repoRoot, 'node_modules', '.cache', 'openline'));
    if (shim.path === undefined) {
      warnings.push(
        `DynamoDB Local and kinesis-local listen on all interfaces (${shim.reason}; install gcc to confine them to 127.0.0.1)`,
      );
    }

    log('starting DynamoDB Local, kinesis-local and the S3 emulator...');
    const started = await Promise.allSettled([
      startDynamoDbLocal({
        java: settings.java,
        port: dynamoPort,
        dataDir: folder('dynamodb'),
        preload: shim.path,
      }),
      startKinesisLocal({
        port: kinesisPort,
        tlsPort: kinesisTlsPort,
        region: settings.region,
        dataDir: folder('kinesis'),
        preload: shim.path,
      }),
      startS3Emulator({ port: settings.ports.s3, dataDir: folder('s3') }),
    ]);
    for (const result of started) {
      if (result.status !== 'fulfilled') continue;
      const value = result.value;
      stack.push('process' in value ? () => value.process.stop() : () => value.stop());
    }
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const [dynamodb, kinesis, s3] = started.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
      DynamoDbLocal,
      KinesisLocal,
      S3Emulator,
    ];

    // With fault injection on, the handlers (and everything else of this process) reach DynamoDB through
    // the fault proxy; /health still names DynamoDB Local itself, so checkers read what was committed.
    const faults = new LocalFaults(settings.faultInjection);
    let handlerDynamoDb = dynamodb.endpoint;
    if (settings.faultInjection) {
      const proxy = await startDynamoDbFaultProxy({ upstream: dynamodb.endpoint, faults });
      stack.push(() => proxy.close());
      handlerDynamoDb = proxy.endpoint;
    }

    // The gateway's port must be known before the handlers' environment is complete.
    const webPort = await pick(settings.ports.web);
    const webUrl = `http://127.0.0.1:${webPort}`;
    const managementPath = '/_gateway/ws';
    const chimeEndpoint = settings.network?.chimeEndpoint ?? `http://127.0.0.1:${chimePort}`;
    const userPoolId = `${settings.region}_${LOCAL_USER_POOL_SUFFIX}`;
    const env = handlerEnvironment({
      region: settings.region,
      dynamodb: handlerDynamoDb,
      kinesis: kinesis.endpoint,
      s3: s3.endpoint,
      chimeSdkVoice: chimeEndpoint,
      athena: `http://127.0.0.1:${athenaPort}`,
      websocketManagement: `${webUrl}${managementPath}`,
      cognito: `${webUrl}/_auth/cognito`,
      userPoolId,
      jwtIssuer: `${webUrl}/_auth`,
      jwtAudience: LOCAL_AUDIENCE,
    });
    // This process is the handlers' Lambda environment: they read it through the config module.
    Object.assign(process.env, env);
    const config = loadConfig(env);
    const clients = createAwsClients(config);
    stack.push(async () => destroyClients(clients));

    log('creating tables, streams and buckets...');
    await bootstrapResources(config, clients);

    // Analytics: Athena's API over DuckDB, reading the lake bucket the local Firehose stand-in writes.
    const athena = await startAthenaEmulator({
      host: '127.0.0.1',
      port: athenaPort,
      s3: clients.s3,
      lakeBucket: config.buckets.lake,
      database: lakeNames.database,
      workgroup: lakeNames.workgroup,
      tables: lakeTables,
    });
    stack.push(() => athena.stop());

    // Auth: the local issuer stands in for the Cognito user pool; the gateway trusts it as API Gateway's
    // JWT authoriser trusts the pool (issuer and audience are the local cloud's, not the handlers').
    const auth = await startLocalIssuer({ issuer: `${webUrl}/_auth`, dataDir: folder('auth'), userPoolId });
    const authorizer = new JwtAuthorizer({ issuer: auth.issuer, audience: [auth.audience] });

    const telephony =
      settings.network === undefined
        ? await hostTelephony({ settings, chimePort, webPort, webUrl, config, clients, auth, faults, log })
        : await joinNetwork(settings.network, config, clients);
    if (telephony.chime !== undefined) {
      const chime = telephony.chime;
      stack.push(() => chime.close());
    }
    const { numbers, demo } = telephony;
    const http = new HttpApiGateway(httpRoutes, functionsDir, settings.region, authorizer);
    const websocket = new WebSocketApiGateway(
      websocketRoutes,
      functionsDir,
      settings.region,
      '/ws',
      managementPath,
      // Browsers cannot set headers on a WebSocket: the token comes as ?token=, checked at $connect.
      { authorize: (token) => authorizer.authorize(token) },
    );
    stack.push(() => websocket.close());
    const urls = {
      web: `${webUrl}/`,
      health: `${webUrl}/health`,
      api: `${webUrl}/api`,
      websocket: `ws://127.0.0.1:${webPort}/ws`,
      auth: auth.issuer,
    };
    const storage = dataDir === undefined ? 'in-memory' : dataDir;
    const health = () =>
      checkHealth(config, clients, storage, {
        dynamodb: dynamodb.endpoint,
        kinesis: kinesis.endpoint,
        s3: s3.endpoint,
        athena: athena.endpoint,
        ...urls,
        websocketManagement: `${webUrl}${managementPath}`,
        connections: websocket.connectionCount,
        telephony,
        auth,
      });
    const web: WebServer = await startWebServer({
      port: webPort,
      webRoot: join(repoRoot, 'web', 'dist'),
      http,
      websocket,
      health,
      ...(telephony.chime === undefined
        ? {}
        : {
            upgrades: new Map([
              [
                telephony.chime.pstnGateway.path,
                (req, socket, head) => telephony.chime?.pstnGateway.upgrade(req, socket, head),
              ],
            ]),
            control: emulatorControls(telephony.chime, telephony.builtIn, faultControl(faults)),
          }),
      auth,
      // Without its own Chime emulator, the phone network outside invokes this region's SMA functions here.
      services: [
        serveDemoOrders,
        ...(telephony.chime === undefined
          ? [lambdaInvokeEndpoint(functionsDir, Object.values(smaFunctions))]
          : []),
      ],
    });
    stack.push(() => web.close());

    // Scheduled functions (EventBridge schedules on AWS): the routing sweeper every second.
    const scheduler = startScheduler(
      functionsDir,
      scheduledFunctions.map((f) => ({ module: f.module, everyMs: f.localEveryMs, input: f.localInput })),
      (error) => process.stderr.write(`[scheduler] ${(error as Error).stack ?? String(error)}\n`),
    );
    stack.push(() => scheduler.stop());

    // Stream consumers (event source mappings on AWS): live events to agents and supervisors.
    const mappings = startStreamMappings(
      functionsDir,
      clients.dynamodbStreams,
      config.region,
      await Promise.all(
        streamFunctions.map(async (f) => ({
          name: f.name,
          module: f.module,
          streamArn: await latestStreamArn(clients, config.tables[f.table]),
          batchSize: f.batchSize,
          maxRetries: f.maxRetries,
        })),
      ),
      (name, error) => process.stderr.write(`[${name}] ${(error as Error).stack ?? String(error)}\n`),
    );
    stack.push(() => mappings.stop());

    // The call-events stream's consumers: Lambda functions (event source mappings on AWS) and the lake
    // writer that stands in for Firehose (its buffer is short here; Firehose's is a minute or more).
    const lake = lakeWriter(clients.s3, config.buckets.lake, (reason) =>
      process.stderr.write(`[lake-writer] ${reason}\n`),
    );
    const kinesisConsumers = startKinesisMappings(
      clients.kinesis,
      config.region,
      [
        ...(await Promise.all(
          kinesisFunctions.map(async (f) => ({
            name: f.name,
            streamName: config.streams[f.stream],
            handler: await loadHandler<KinesisBatchHandler>(functionsDir, f.module),
            batchSize: f.batchSize,
            maxRetries: f.maxRetries,
          })),
        )),
        {
          name: 'openline-lake-writer',
          streamName: config.streams['call-events'],
          handler: lake.handler,
          batchSize: 500,
          maxRetries: 20,
          bufferMs: settings.lakeBufferMs,
        },
      ],
      {
        checkpointFile: dataDir === undefined ? undefined : join(dataDir, 'kinesis-checkpoints.json'),
        disorder: (records) => disorderRecords(faults, records),
        onError: (name, error) =>
          process.stderr.write(`[${name}] ${(error as Error).stack ?? String(error)}\n`),
      },
    );
    stack.push(() => kinesisConsumers.stop());

    return {
      env,
      config,
      urls,
      endpoints: {
        dynamodb: dynamodb.endpoint,
        kinesis: kinesis.endpoint,
        s3: s3.endpoint,
        chimeSdkVoice: chimeEndpoint,
      },
      numbers,
      demo,
      warnings,
      childPids: [dynamodb.process.pid, kinesis.process.pid],
      faults,
      health,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function latestStreamArn(clients: AwsClients, table: string): Promise<string> {
  const arn = (await clients.dynamodb.send(new DescribeTableCommand({ TableName: table }))).Table
    ?.LatestStreamArn;
  if (arn === undefined) throw new Error(`table ${table} has no stream`);
  return arn;
}

function destroyClients(clients: AwsClients): void {
  clients.dynamodb.destroy();
  clients.dynamodbStreams.destroy();
  clients.kinesis.destroy();
  clients.s3.destroy();
}

/** Probes every service for real on each call, so /health never reports a dead emulator as up. */
async function checkHealth(
  config: OpenlineConfig,
  clients: AwsClients,
  storage: string,
  at: {
    dynamodb: string;
    kinesis: string;
    s3: string;
    athena: string;
    web: string;
    api: string;
    websocket: string;
    websocketManagement: string;
    connections: number;
    telephony: Telephony;
    auth: LocalIssuer;
  },
): Promise<HealthReport> {
  const probe = async (endpoint: string, run: () => Promise<unknown>) => {
    try {
      await run();
      return { status: 'up' as const, endpoint };
    } catch (error) {
      return {
        status: 'down' as const,
        endpoint,
        error: String((error as Error).message ?? error).slice(0, 200),
      };
    }
  };
  const signal = () => ({ abortSignal: AbortSignal.timeout(2_000) });
  const firstStream = Object.values(config.streams)[0] as string;
  const firstBucket = Object.values(config.buckets)[0] as string;
  const [dynamodb, kinesis, s3] = await Promise.all([
    probe(at.dynamodb, () => clients.dynamodb.send(new ListTablesCommand({ Limit: 1 }), signal())),
    probe(at.kinesis, () =>
      clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: firstStream }), signal()),
    ),
    probe(at.s3, () => clients.s3.send(new HeadBucketCommand({ Bucket: firstBucket }), signal())),
  ]);
  const services = {
    dynamodb,
    dynamodbStreams: { ...dynamodb },
    kinesis,
    s3,
    httpApi: { status: 'up' as const, endpoint: at.api },
    websocketApi: {
      status: 'up' as const,
      endpoint: at.websocket,
      managementEndpoint: at.websocketManagement,
      connections: at.connections,
    },
    web: { status: 'up' as const, endpoint: at.web },
    chimeSdkVoice: { status: 'up' as const, endpoint: at.telephony.chimeEndpoint },
    athena: { status: 'up' as const, endpoint: at.athena, engine: 'DuckDB over the lake bucket' },
    ...(at.telephony.chime === undefined
      ? {}
      : {
          virtualPstn: {
            status: 'up' as const,
            endpoint: `${at.web.replace(/^http/, 'ws').replace(/\/$/, '')}${at.telephony.chime.pstnGateway.path}`,
          },
        }),
    auth: at.auth.health(),
  };
  const { chime, numbers, demo } = at.telephony;
  return {
    status: Object.values(services).every((s) => s.status === 'up') ? 'ok' : 'degraded',
    region: config.region,
    storage,
    services,
    resources: { tables: config.tables, streams: config.streams, buckets: config.buckets },
    telephony: {
      regions: chime === undefined ? {} : Object.fromEntries(chime.regions),
      numbers,
      ...(demo === undefined ? {} : { accessNumber: demo.extension.accessNumber }),
      ...(chime === undefined ? { network: at.telephony.chimeEndpoint } : {}),
    },
    ...(demo === undefined ? {} : { demo }),
  };
}

/** The telephony a local cloud has: its own Chime emulator (`npm start`), or a phone network outside. */
interface Telephony {
  readonly chime: ChimeEmulator | undefined;
  readonly chimeEndpoint: string;
  /** Functions the local cloud registered itself in its emulator (plug-ins may not replace them). */
  readonly builtIn: ReadonlySet<string>;
  readonly numbers: readonly ProvisionedNumber[];
  readonly demo: Demo | undefined;
}

/**
 * `npm start`'s telephony: the Chime emulator and virtual PSTN in this process, both regions' SIP media
 * applications invoking the call-control modules here, the demo number and the shared access number, and
 * the demo tenant.
 */
async function hostTelephony(o: {
  settings: LocalSettings;
  chimePort: number;
  webPort: number;
  webUrl: string;
  config: OpenlineConfig;
  clients: AwsClients;
  auth: LocalIssuer;
  faults: LocalFaults;
  log: (line: string) => void;
}): Promise<Telephony> {
  const { settings, config, clients } = o;
  o.log('starting the Chime SDK Voice emulator and the virtual PSTN...');
  const regions = [settings.region, settings.standbyRegion];
  const chime: ChimeEmulator = await startChimeEmulator({
    port: o.chimePort,
    regions,
    s3: clients.s3,
    meetingSignalingUrl: `ws://127.0.0.1:${o.webPort}/_pstn/ws`,
  });
  chime.engine.deliveryFaults = smaDeliveryFaults(o.faults);
  try {
    const builtIn = new Set<string>();
    for (const fn of Object.values(smaFunctions)) {
      chime.functions.registerModule(fn.name, new URL(fn.module, functionsDir));
      builtIn.add(fn.name);
    }
    // The platform's SIP media applications (a deployment makes them on AWS): every number's SIP rule
    // targets them, the demo number's first.
    const sipTargets = await createPlatformSipMediaApplications({
      endpoint: chime.endpoint,
      regions,
      lambdaArn: (region) => lambdaArn(region, smaFunctions.callControl.name),
    });
    await new PlatformTelephony(clients.documents, config.tables.config).setSipTargets(sipTargets);
    const numbers = [
      await provisionNumber({
        endpoint: chime.endpoint,
        region: settings.region,
        targets: sipTargets,
        name: 'openline-demo',
        areaCode: '206',
      }),
    ];
    // The platform's shared access number (a marketplace's one number: callers key a shop's code).
    const access = await provisionNumber({
      endpoint: chime.endpoint,
      region: settings.region,
      targets: sipTargets,
      name: 'openline-access',
      numberType: 'toll-free',
    });
    const extensions = new DynamoDbExtensions(clients.documents, config.tables.config);
    await extensions.setAccessNumber(access.phoneNumber);

    o.log('seeding the demo tenant...');
    const demoTenant = await seedDemoTenant({
      config,
      clients,
      phoneNumber: (numbers[0] as ProvisionedNumber).phoneNumber,
      sipMediaApplications: (numbers[0] as ProvisionedNumber).sipMediaApplications,
      orderServiceUrl: `${o.webUrl}/_demo`,
    });
    const demoUsers = await seedDemoUsers(o.auth, demoTenant.tenantId);
    await seedDemoRouting(config, clients, demoTenant.tenantId, demoUsers);
    const demoExtension = await extensions.claim(
      demoTenant.tenantId,
      access.phoneNumber,
      demoTenant.flow.id,
      DEMO_EXTENSION,
    );
    const demo = { ...demoTenant, users: demoUsers, extension: demoExtension };
    return { chime, chimeEndpoint: chime.endpoint, builtIn, numbers, demo };
  } catch (error) {
    await chime.close();
    throw error;
  }
}

/**
 * One region of a phone network outside this process: what its deployment puts in place — the platform's
 * SIP targets (the network's SMAs, primary first) and the platform prompts in this region's bucket. Numbers
 * and tenants come through the APIs, as on AWS.
 */
async function joinNetwork(
  network: NonNullable<LocalSettings['network']>,
  config: OpenlineConfig,
  clients: AwsClients,
): Promise<Telephony> {
  await new PlatformTelephony(clients.documents, config.tables.config).setSipTargets([...network.sipTargets]);
  await seedPlatformPrompts(config.buckets.prompts, clients);
  return {
    chime: undefined,
    chimeEndpoint: network.chimeEndpoint,
    builtIn: new Set(),
    numbers: [],
    demo: undefined,
  };
}
