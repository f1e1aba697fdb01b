/**
 * What a deployment runs, read from the templates: every function of functions/routes.ts (runtime,
 * architecture, tracing, logs, least-privilege grants), the APIs wired as the local gateways serve them,
 * the SIP media application and its place in the SIP-target list, alarms and the dashboard, replication of
 * recordings to the DR region, and the security properties that matter (encryption, public access,
 * point-in-time recovery, log retention, no wildcard actions on data). Read from the definitions, never
 * from a snapshot.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  authorizerFunction,
  authRoutes,
  everyHandlerModule,
  httpRoutes,
  kinesisFunctions,
  scheduledFunctions,
  smaFunctions,
  streamFunctions,
  websocketRoutes,
} from '../../functions/routes.ts';
import { buildApp } from '../../infra/bin/app.ts';
import { functionAccess } from '../../infra/constructs/function-access.ts';
import type { RegionStack } from '../../infra/region-stack.ts';
import { resources } from '../../layers/resources/index.ts';
import { SKIP_BUNDLING } from './synth-options.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

const regions = ['us-east-1', 'us-west-2'];
let stacks: RegionStack[];
/** Per region: the stack's template and its functions' nested template. */
let primary: { main: Template; compute: Template };
let standby: { main: Template; compute: Template };

const modules = everyHandlerModule();

beforeAll(() => {
  const app = buildApp(
    new App({ context: { [SKIP_BUNDLING]: [], openline: { regions, stage: 'prod', domain: '' } } }),
  );
  stacks = app.node.children as RegionStack[];
  const templates = (s: RegionStack) => ({
    main: Template.fromStack(s as Stack),
    compute: Template.fromStack(s.compute),
  });
  primary = templates(stacks[0] as RegionStack);
  standby = templates(stacks[1] as RegionStack);
});

const all = () => [primary.main, primary.compute, standby.main, standby.compute];
const resourcesOf = (t: Template, type: string) =>
  Object.entries(t.findResources(type)) as [string, Resource][];
const functionsOf = (t: Template) =>
  resourcesOf(t, 'AWS::Lambda::Function').filter(([, r]) =>
    String(r.Properties.Description ?? '').startsWith('Openline functions/'),
  );
const moduleOf = (r: Resource) => String(r.Properties.Description).replace('Openline functions/', '');

describe('functions', () => {
  it('deploys one function per handler module: Node.js 24, ARM64, traced, its own log group with a retention', () => {
    const primaryOnly = scheduledFunctions.filter((f) => f.regions === 'primary').map((f) => f.module);
    for (const [template, expected] of [
      [primary.compute, modules],
      [standby.compute, modules.filter((m) => !primaryOnly.includes(m))],
    ] as const) {
      const fns = functionsOf(template);
      expect(fns.map(([, r]) => moduleOf(r)).sort()).toEqual([...expected].sort());
      const logGroups = Object.fromEntries(resourcesOf(template, 'AWS::Logs::LogGroup'));
      for (const [, fn] of fns) {
        expect(fn.Properties.Runtime).toBe('nodejs24.x');
        expect(fn.Properties.Architectures).toEqual(['arm64']);
        expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
        const group = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
        expect(logGroups[group]?.Properties.RetentionInDays).toBe(90);
        const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        for (const r of [...resources.tables, ...resources.streams, ...resources.buckets])
          expect(env[r.envVar], `${moduleOf(fn)} ${r.envVar}`).toBeDefined();
        expect(env.POWERTOOLS_SERVICE_NAME).toBe('openline');
        expect(env.OPENLINE_USER_POOL_ID).toBeDefined();
      }
    }
  });

  it('runs the scheduled functions every minute, the retention sweep in the primary region only', () => {
    const rules = (t: Template) =>
      resourcesOf(t, 'AWS::Events::Rule').map(([, r]) => String(r.Properties.Description).split(':')[0]);
    expect(rules(primary.compute).sort()).toEqual(scheduledFunctions.map((f) => f.name).sort());
    expect(rules(standby.compute)).not.toContain('openline-recording-retention');
    expect(rules(standby.compute)).toHaveLength(scheduledFunctions.length - 1);
    for (const [, rule] of resourcesOf(primary.compute, 'AWS::Events::Rule'))
      expect(rule.Properties.ScheduleExpression).toBe('rate(1 minute)');
  });

  it('feeds the stream functions from the live table and the call-events stream, with partial batch failures', () => {
    const mappings = resourcesOf(primary.compute, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(streamFunctions.length + kinesisFunctions.length);
    for (const [, m] of mappings) {
      expect(m.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(m.Properties.BisectBatchOnFunctionError).toBe(true);
    }
  });
});

describe('least privilege', () => {
  /** Every statement of every policy and inline role policy, with the policy it came from. */
  const statements = (t: Template) => {
    const out: { where: string; Action: string[]; Resource: unknown[] }[] = [];
    for (const [id, p] of resourcesOf(t, 'AWS::IAM::Policy'))
      for (const s of (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
        out.push({ where: id, Action: [s.Action].flat() as string[], Resource: [s.Resource].flat() });
    for (const [id, r] of resourcesOf(t, 'AWS::IAM::Role'))
      for (const p of (r.Properties.Policies as {
        PolicyDocument: { Statement: Record<string, unknown>[] };
      }[]) ?? [])
        for (const s of p.PolicyDocument.Statement)
          out.push({ where: id, Action: [s.Action].flat() as string[], Resource: [s.Resource].flat() });
    return out;
  };
  const DATA_SERVICES = /^(dynamodb|s3|kinesis|kms|athena|glue|cognito-idp|firehose|execute-api|chime):/;

  it('grants no wildcard action on data anywhere (aws-cdk-lib’s web-site copier aside)', () => {
    for (const t of all()) {
      for (const s of statements(t)) {
        // aws-cdk-lib's BucketDeployment copies the built web app (no contact-center data) into its bucket.
        if (s.where.startsWith('CustomCDKBucketDeployment')) continue;
        for (const action of s.Action)
          if (DATA_SERVICES.test(action)) expect(action, `${s.where}: ${action}`).not.toContain('*');
      }
    }
  });

  it('gives each function exactly the actions its bundled code sends, plus what running needs', () => {
    const fns = functionsOf(primary.compute);
    const policies = resourcesOf(primary.compute, 'AWS::IAM::Policy');
    const actionsOf = (moduleName: string) => {
      const [id, fn] = fns.find(([, r]) => moduleOf(r) === moduleName) as [string, Resource];
      const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const mine = policies.filter(([, p]) =>
        (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role),
      );
      expect(mine.length, id).toBeGreaterThan(0);
      return new Set(
        mine.flatMap(([, p]) =>
          (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap(
            (s) => [s.Action].flat(),
          ),
        ),
      );
    };
    const derived = functionAccess(repoRoot, join(repoRoot, 'functions'), modules, {
      tables: resources.tables.map((t) => t.id),
      buckets: resources.buckets.map((b) => b.id),
      streams: resources.streams.map((st) => st.id),
    });
    // What every function may do besides its code's own calls: its logs, X-Ray, reading the stream that
    // invokes it, and what an Athena query or a read of an encrypted object needs behind the call.
    const running = new Set([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
      'kinesis:DescribeStreamSummary',
      'kinesis:GetRecords',
      'kinesis:GetShardIterator',
      'kinesis:ListShards',
      'kinesis:SubscribeToShard',
      'kinesis:DescribeStream',
      'kinesis:ListStreams',
      'kinesis:DescribeStreamConsumer',
      'kms:Decrypt',
      'kms:GenerateDataKey',
    ]);
    const athena = new Set([
      'glue:GetDatabase',
      'glue:GetTable',
      's3:GetBucketLocation',
      's3:ListBucket',
      's3:GetObject',
      's3:PutObject',
      's3:AbortMultipartUpload',
    ]);
    for (const module of modules) {
      const granted = actionsOf(module);
      const access = derived.get(module);
      const own = new Set([...(access?.actions.values() ?? [])].flatMap((set) => [...set]));
      for (const action of own) expect(granted, `${module} lacks ${action}`).toContain(action);
      for (const action of granted) {
        const allowed =
          own.has(action) || running.has(action) || (access?.actions.has('athena') && athena.has(action));
        expect(allowed, `${module} has ${action}, which its code does not send`).toBe(true);
      }
    }
    // Sign-up's open routes carry none of the worker's powers (numbers, SIP rules, user passwords).
    for (const open of ['api/signup/get-signup.ts', 'api/signup/create-signup.ts'])
      expect(
        [...actionsOf(open)].filter((a) => a.startsWith('chime:')),
        open,
      ).toEqual([]);
    expect([...actionsOf('api/signup/get-signup.ts')].filter((a) => a.startsWith('cognito-idp:'))).toEqual(
      [],
    );
    expect(actionsOf('signup/worker.ts')).toContain('chime:CreateSipRule');
    expect(actionsOf('api/reports/run-report.ts')).not.toContain('dynamodb:PutItem');
  });

  it('names DynamoDB indexes one by one and keeps object grants in tenants/ (the lake’s Athena files aside)', () => {
    for (const t of [primary.compute, standby.compute]) {
      expect(JSON.stringify(t.toJSON())).not.toContain('/index/*');
      for (const s of statements(t)) {
        const objectActions = s.Action.filter(
          (a) => a.startsWith('s3:') && a !== 's3:ListBucket' && a !== 's3:GetBucketLocation',
        );
        if (objectActions.length === 0) continue;
        for (const resource of s.Resource) {
          const joined = JSON.stringify(resource);
          if (joined.includes('LakeBucketName')) expect(joined, s.where).toMatch(/\/\*"\]\]\}$/);
          else expect(joined, s.where).toMatch(/\/tenants\/\*"(\]\]\})?$/);
        }
      }
    }
  });

  it('lets the recording functions reach every region’s recordings, the DR region preferring its replica', () => {
    const text = JSON.stringify(primary.compute.toJSON());
    for (const region of regions) expect(text).toContain(`-${region}/tenants/*`);
    expect(text).toContain('"kms:ViaService":"s3.us-west-2.amazonaws.com"');
    const env = (t: Template) =>
      functionsOf(t).map(
        ([, r]) => (r.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
      );
    expect(env(primary.compute).every((v) => v.OPENLINE_RECORDINGS_REPLICA_OF === undefined)).toBe(true);
    for (const v of env(standby.compute))
      expect(JSON.stringify(v.OPENLINE_RECORDINGS_REPLICA_OF)).toContain('openline-prod-recordings-');
  });

  it('reads the access of a handler from its bundle, and refuses a command it cannot map', () => {
    const root = mkdtempSync(join(tmpdir(), 'openline-access-'));
    writeFileSync(
      join(root, 'handler.ts'),
      "const config = { tables: { live: 'x' } };\nexport const handler = () => [new GetCommand({ TableName: config.tables.live }), config];\nclass GetCommand { constructor(readonly input: unknown) {} }\n",
    );
    const access = functionAccess(root, root, ['handler.ts'], { tables: ['live'], buckets: [], streams: [] });
    expect([...(access.get('handler.ts')?.actions.get('dynamodb') ?? [])]).toEqual(['dynamodb:GetItem']);
    expect([...(access.get('handler.ts')?.tables ?? [])]).toEqual(['live']);
    writeFileSync(
      join(root, 'other.ts'),
      'export const handler = () => new LaunchRocketCommand();\nclass LaunchRocketCommand {}\n',
    );
    expect(() => functionAccess(root, root, ['other.ts'], { tables: [], buckets: [], streams: [] })).toThrow(
      /LaunchRocketCommand: map it to IAM actions/,
    );
  });
});

describe('APIs', () => {
  it('serves every HTTP route of routes.ts with its authoriser', () => {
    const routes = resourcesOf(primary.main, 'AWS::ApiGatewayV2::Route');
    const authorizers = Object.fromEntries(resourcesOf(primary.main, 'AWS::ApiGatewayV2::Authorizer'));
    for (const route of httpRoutes) {
      const found = routes.find(([, r]) => r.Properties.RouteKey === route.routeKey);
      expect(found, route.routeKey).toBeDefined();
      const props = (found as [string, Resource])[1].Properties;
      const kind = {
        none: 'NONE',
        jwt: 'JWT',
        'jwt-or-key': 'CUSTOM',
      }[route.auth];
      expect(props.AuthorizationType, route.routeKey).toBe(kind);
      if (route.auth !== 'none') {
        const authorizer = authorizers[(props.AuthorizerId as { Ref: string }).Ref];
        expect(authorizer?.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
      }
    }
  });

  it('serves the web app’s sign-in without an authoriser, on a user pool client that allows it', () => {
    const routes = resourcesOf(primary.main, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    for (const route of authRoutes)
      expect(routes.find((r) => r.RouteKey === route.routeKey)?.AuthorizationType, route.routeKey).toBe(
        'NONE',
      );
    primary.main.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH']),
    });
  });

  it('authorises WebSocket connections at $connect with the ID token of ?token=, and routes by action', () => {
    const routes = resourcesOf(primary.main, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    for (const route of websocketRoutes) expect(routes.map((r) => r.RouteKey)).toContain(route.routeKey);
    expect(routes.find((r) => r.RouteKey === '$connect')?.AuthorizationType).toBe('CUSTOM');
    primary.main.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      IdentitySource: ['route.request.querystring.token'],
    });
    primary.main.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    });
  });

  it('logs and throttles both API stages, and serves them on the web app’s own origin', () => {
    for (const [, stage] of resourcesOf(primary.main, 'AWS::ApiGatewayV2::Stage')) {
      expect(stage.Properties.AccessLogSettings).toMatchObject({ DestinationArn: expect.anything() });
      expect(stage.Properties.DefaultRouteSettings).toMatchObject({
        ThrottlingRateLimit: expect.any(Number),
      });
    }
    const [, distribution] = resourcesOf(primary.main, 'AWS::CloudFront::Distribution')[0] as [
      string,
      Resource,
    ];
    const behaviors = (
      distribution.Properties.DistributionConfig as { CacheBehaviors: { PathPattern: string }[] }
    ).CacheBehaviors;
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual(['/_auth/*', '/api/*', '/ws']);
    // The app shell comes from a function on the site's behaviour only: no distribution-wide error page
    // that would turn the APIs' 403s and 404s into a 200 HTML page.
    const config = distribution.Properties.DistributionConfig as {
      CustomErrorResponses?: unknown;
      DefaultCacheBehavior: { FunctionAssociations?: { EventType: string }[] };
    };
    expect(config.CustomErrorResponses).toBeUndefined();
    expect(config.DefaultCacheBehavior.FunctionAssociations?.map((f) => f.EventType)).toEqual([
      'viewer-request',
    ]);
    // WebSocket stages log through the account's API Gateway role, in a format of their own.
    primary.main.resourceCountIs('AWS::ApiGateway::Account', 1);
    const socketStage = resourcesOf(primary.main, 'AWS::ApiGatewayV2::Stage').find(
      ([, st]) => st.Properties.StageName === 'live',
    ) as [string, Resource];
    const format = String((socketStage[1].Properties.AccessLogSettings as { Format: string }).Format);
    expect(format).toContain('$context.connectionId');
    expect(format).not.toContain('httpMethod');
  });
});

describe('telephony', () => {
  it('creates the region’s SIP media application on its call-control function, invokable by Chime only', () => {
    for (const t of [primary, standby]) {
      const [, sma] = resourcesOf(t.main, 'Custom::AWS').find(([, r]) =>
        JSON.stringify(r.Properties.Create ?? '').includes('CreateSipMediaApplication'),
      ) as [string, Resource];
      expect(JSON.stringify(sma.Properties.Create)).toContain('LambdaArn');
      const [callControlId] = functionsOf(t.compute).find(
        ([, r]) => moduleOf(r) === smaFunctions.callControl.module,
      ) as [string, Resource];
      const chime = resourcesOf(t.compute, 'AWS::Lambda::Permission').filter(
        ([, p]) => p.Properties.Principal === 'voiceconnector.chime.amazonaws.com',
      );
      expect(chime).toHaveLength(1);
      expect((chime[0] as [string, Resource])[1].Properties).toMatchObject({
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [callControlId, 'Arn'] },
        SourceAccount: expect.anything(),
      });
    }
  });

  it('puts the platform prompts in every region’s prompts bucket, where Chime may play them', () => {
    for (const t of [primary.main, standby.main]) {
      t.hasResourceProperties('Custom::CDKBucketDeployment', {
        DestinationBucketKeyPrefix: 'platform/prompts/',
        Prune: false,
      });
      const policies = resourcesOf(t, 'AWS::S3::BucketPolicy').map(([, p]) => JSON.stringify(p.Properties));
      expect(
        policies.some(
          (p) => p.includes('voiceconnector.chime.amazonaws.com') && p.includes('/platform/prompts/*'),
        ),
      ).toBe(true);
    }
  });

  it('adds each region to the SIP targets in priority order (primary 1, standby 2)', () => {
    for (const [t, priority] of [
      [primary.main, '01'],
      [standby.main, '02'],
    ] as const) {
      const puts = resourcesOf(t, 'Custom::AWS')
        .map(([, r]) => JSON.stringify(r.Properties.Create ?? ''))
        .filter((c) => c.includes('PutItem'));
      expect(puts).toHaveLength(1);
      expect(puts[0]).toContain('PLATFORM#SIP_TARGETS');
      expect(puts[0]).toContain(`${priority}#`);
    }
  });
});

describe('disaster recovery', () => {
  it('replicates the primary’s recordings into the DR region’s bucket, deletions too, re-encrypted there', () => {
    const replication = resourcesOf(standby.main, 'Custom::AWS')
      .map(([, r]) => JSON.stringify(r.Properties.Create ?? ''))
      .find((c) => c.includes('PutBucketReplication'));
    expect(replication).toBeDefined();
    expect(replication).toContain('openline-prod-recordings-');
    expect(replication).toContain('us-east-1');
    expect(replication).toContain('DeleteMarkerReplication');
    expect(replication).toContain('ReplicaKmsKeyID');
    // With S3 Bucket Keys the key's encryption context names the bucket: the condition must allow it.
    const decrypt = resourcesOf(standby.main, 'AWS::IAM::Policy')
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
      .find((st) => JSON.stringify(st).includes('kms:EncryptionContext:aws:s3:arn'));
    if (decrypt === undefined) throw new Error('no replication decrypt statement');
    const allowed = (decrypt.Condition as { StringLike: Record<string, unknown[]> }).StringLike[
      'kms:EncryptionContext:aws:s3:arn'
    ] as string[];
    expect(allowed.map((a) => JSON.stringify(a).endsWith('/*"]]}'))).toEqual([false, true]);
    expect(
      resourcesOf(primary.main, 'Custom::AWS').some(([, r]) =>
        JSON.stringify(r).includes('PutBucketReplication'),
      ),
    ).toBe(false);
  });

  it('deploys standby stacks after the primary, whose global tables they use', () => {
    expect((stacks[1] as Stack).dependencies.map((s) => s.stackName)).toEqual([
      (stacks[0] as Stack).stackName,
    ]);
  });
});

describe('observability', () => {
  it('alarms on handler errors, throttling, SMA failures, queue wait, API errors and stream lag; one dashboard', () => {
    const alarms = resourcesOf(primary.main, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    const byMetric = (name: string) => alarms.filter((a) => a.MetricName === name);
    expect(byMetric('SmaFailures')).toHaveLength(1);
    expect(byMetric('QueueWaitSeconds')).toHaveLength(1);
    expect(byMetric('Throttles')).toHaveLength(1);
    expect(byMetric('5xx')).toHaveLength(1);
    expect(byMetric('IteratorAge')).toHaveLength(streamFunctions.length + kinesisFunctions.length);
    const errorAlarms = byMetric('Errors');
    const background = new Set([
      ...Object.values(smaFunctions).map((f) => f.module),
      authorizerFunction.module,
      ...streamFunctions.map((f) => f.module),
      ...kinesisFunctions.map((f) => f.module),
      ...scheduledFunctions.map((f) => f.module),
    ]);
    expect(errorAlarms).toHaveLength(background.size);
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/Alarms/) }]);
    primary.main.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    primary.main.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    // CloudWatch can publish to the encrypted topic only if the key lets it.
    primary.main.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
  });
});

describe('data protection', () => {
  it('encrypts and closes every bucket, and refuses plain HTTP', () => {
    for (const t of [primary.main, standby.main]) {
      const buckets = resourcesOf(t, 'AWS::S3::Bucket');
      expect(buckets.length).toBeGreaterThan(0);
      for (const [id, b] of buckets) {
        expect(b.Properties.BucketEncryption, id).toBeDefined();
        expect(b.Properties.PublicAccessBlockConfiguration, id).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
      }
      const policies = resourcesOf(t, 'AWS::S3::BucketPolicy').map(([, p]) => JSON.stringify(p.Properties));
      expect(policies.filter((p) => p.includes('"aws:SecureTransport":"false"'))).toHaveLength(
        buckets.length,
      );
    }
  });

  it('keeps point-in-time recovery and encryption on every table and replica', () => {
    for (const t of [primary.main, standby.main])
      for (const [id, table] of resourcesOf(t, 'AWS::DynamoDB::GlobalTable')) {
        expect(table.Properties.SSESpecification, id).toMatchObject({ SSEEnabled: true });
        for (const replica of table.Properties.Replicas as Record<string, unknown>[])
          expect(replica.PointInTimeRecoverySpecification, id).toEqual({ PointInTimeRecoveryEnabled: true });
      }
  });

  it('encrypts the streams and the alarm topic, and gives every log group a retention', () => {
    for (const t of [primary.main, standby.main])
      for (const [, stream] of resourcesOf(t, 'AWS::Kinesis::Stream'))
        expect(stream.Properties.StreamEncryption).toMatchObject({ EncryptionType: 'KMS' });
    for (const t of all())
      for (const [id, group] of resourcesOf(t, 'AWS::Logs::LogGroup'))
        expect(group.Properties.RetentionInDays, id).toEqual(expect.any(Number));
  });
});
