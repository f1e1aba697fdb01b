/**
 * The CDK app builds its resources from the same definitions as the local cloud: these assertions read the
 * definitions, not a snapshot, so a change to a table or stream shows up on both sides or fails here.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/bin/app.ts';
import { namedQueries } from '../../layers/domain/reports/named-queries.ts';
import { objectKeys } from '../../layers/resources/buckets.ts';
import { resources } from '../../layers/resources/index.ts';
import { lakeNames, lakeTables } from '../../layers/resources/lake.ts';
import { SKIP_BUNDLING } from './synth-options.ts';

const context = {
  regions: ['us-east-1', 'eu-west-1'],
  stage: 'prod',
  domain: '',
};
let primary: Template;
let standby: Template;

beforeAll(() => {
  const app = buildApp(new App({ context: { [SKIP_BUNDLING]: [], openline: context } }));
  const stacks = app.node.children.map((c) => c.node.id);
  expect(stacks).toEqual(['Openline-prod-us-east-1', 'Openline-prod-eu-west-1']);
  const assembly = app.synth();
  primary = Template.fromJSON(assembly.getStackByName('Openline-prod-us-east-1').template);
  standby = Template.fromJSON(assembly.getStackByName('Openline-prod-eu-west-1').template);
});

const tableProperties = (template: Template) =>
  Object.values(template.findResources('AWS::DynamoDB::GlobalTable')).map(
    (r) => (r as { Properties: Record<string, unknown> }).Properties,
  );

describe('one stack per region', () => {
  it('creates every table from its definition in the primary region, global ones replicated', () => {
    const tables = tableProperties(primary);
    expect(tables).toHaveLength(resources.tables.length);
    for (const definition of resources.tables) {
      const keyNames = [definition.partitionKey.name, definition.sortKey.name];
      const table = tables.find((t) =>
        definition.replication === 'global'
          ? t.TableName === `openline-prod-${definition.id}`
          : t.TableName === undefined,
      );
      if (table === undefined) throw new Error(`no table for ${definition.id}`);
      expect((table.KeySchema as { AttributeName: string }[]).map((k) => k.AttributeName)).toEqual(keyNames);
      const indexes = (table.GlobalSecondaryIndexes as { IndexName: string }[] | undefined) ?? [];
      expect(indexes.map((i) => i.IndexName).sort()).toEqual(definition.indexes.map((i) => i.name).sort());
      expect(table.TimeToLiveSpecification).toEqual({
        AttributeName: definition.ttlAttribute,
        Enabled: true,
      });
      expect(table.StreamSpecification).toEqual({ StreamViewType: definition.stream });
      const regions = (table.Replicas as { Region: string }[]).map((r) => r.Region).sort();
      expect(regions, definition.id).toEqual(
        definition.replication === 'global' ? ['eu-west-1', 'us-east-1'] : ['us-east-1'],
      );
    }
  });

  it('creates only the regional (live-state) tables in a standby region', () => {
    const regional = resources.tables.filter((t) => t.replication === 'regional');
    expect(tableProperties(standby)).toHaveLength(regional.length);
  });

  it('keeps production data: deletion protection and retained tables', () => {
    for (const table of tableProperties(primary)) {
      for (const replica of table.Replicas as { DeletionProtectionEnabled?: boolean }[]) {
        expect(replica.DeletionProtectionEnabled).toBe(true);
      }
    }
    const retained = Object.values(primary.findResources('AWS::DynamoDB::GlobalTable')).every(
      (r) => (r as { DeletionPolicy?: string }).DeletionPolicy === 'Retain',
    );
    expect(retained).toBe(true);
  });

  it('creates the call-events stream on demand, encrypted, with the declared retention', () => {
    for (const template of [primary, standby]) {
      template.resourceCountIs('AWS::Kinesis::Stream', resources.streams.length);
      template.hasResourceProperties('AWS::Kinesis::Stream', {
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        RetentionPeriodHours: resources.streams[0]?.retentionHours,
        StreamEncryption: { EncryptionType: 'KMS' },
      });
    }
  });

  it('creates private, TLS-only, encrypted buckets; recordings move to infrequent access, never expire by age', () => {
    const buckets = primary.findResources('AWS::S3::Bucket');
    // The storage buckets of the definitions, and the web app's site bucket.
    expect(Object.keys(buckets).filter((id) => id.startsWith('Storage'))).toHaveLength(
      resources.buckets.length,
    );
    expect(Object.keys(buckets).filter((id) => id.startsWith('WebSite'))).toHaveLength(1);
    // …and the access-log bucket, which every other bucket logs to.
    expect(Object.keys(buckets).filter((id) => id.startsWith('AccessLogs'))).toHaveLength(1);
    for (const [id, bucket] of Object.entries(buckets))
      if (!id.startsWith('AccessLogs'))
        expect(
          (bucket as { Properties: Record<string, unknown> }).Properties.LoggingConfiguration,
          id,
        ).toMatchObject({
          DestinationBucketName: { Ref: expect.stringMatching(/^AccessLogs/) },
        });
    primary.allResourcesProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.anyValue(),
    });
    primary.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'infrequent-access',
            Status: 'Enabled',
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
            NoncurrentVersionExpiration: { NoncurrentDays: 1 },
          },
        ],
      },
    });
    // One policy per bucket (the storage buckets, the site and the logs): each refuses plain HTTP.
    primary.resourceCountIs('AWS::S3::BucketPolicy', resources.buckets.length + 2);
    primary.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('serves the web app in every region through CloudFront only: HTTPS, the app shell for its routes', () => {
    for (const template of [primary, standby]) {
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          DefaultRootObject: 'index.html',
          DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
          // Standard logs to the stack's access-log bucket.
          Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
        }),
      });
      // The app shell: the viewer-request function on the site's behaviour, run here on sample requests.
      const shell = Object.values(template.findResources('AWS::CloudFront::Function')).find((f) =>
        String(
          (f as { Properties: { FunctionConfig: { Comment: string } } }).Properties.FunctionConfig.Comment,
        ).includes('Client-side routes'),
      ) as { Properties: { FunctionCode: string } };
      const handler = new Function(`${shell.Properties.FunctionCode}; return handler;`)() as (e: {
        request: { uri: string };
      }) => { uri: string };
      const uriFor = (uri: string) => handler({ request: { uri } }).uri;
      expect(uriFor('/agent')).toBe('/index.html');
      expect(uriFor('/wallboard/queues')).toBe('/index.html');
      expect(uriFor('/assets/index-3f2a.js')).toBe('/assets/index-3f2a.js');
      template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
      // The site bucket is private: only the distribution (by its ARN) may read it.
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: 's3:GetObject',
              Principal: { Service: 'cloudfront.amazonaws.com' },
              Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
            }),
          ]),
        },
      });
    }
  });

  it('has a user pool where the tenant is a claim no user can change, and the roles are groups', () => {
    for (const template of [primary, standby]) {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        UsernameAttributes: ['email'],
        Schema: Match.arrayWith([
          Match.objectLike({ Name: 'tenant_id', AttributeDataType: 'String', Mutable: false }),
        ]),
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 8,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
        DeletionProtection: 'ACTIVE',
      });
      const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map(
        (g) => (g as { Properties: { GroupName: string } }).Properties.GroupName,
      );
      expect(groups.sort()).toEqual(['admin', 'agent', 'supervisor']);
      const [client] = Object.values(template.findResources('AWS::Cognito::UserPoolClient')).map(
        (c) => (c as { Properties: Record<string, unknown> }).Properties,
      );
      expect(client?.GenerateSecret).toBe(false);
      expect(client?.ReadAttributes).toContain('custom:tenant_id');
      // Explicitly none (left out, Cognito would let the app write every standard attribute).
      expect(client?.WriteAttributes).toEqual([]);
      expect(client?.IdTokenValidity).toBe(60);
    }
  });

  it('catalogues the lake as the local cloud lays it out, and names the report queries', () => {
    for (const table of lakeTables)
      primary.hasResourceProperties('AWS::Glue::Table', {
        DatabaseName: lakeNames.database,
        TableInput: Match.objectLike({
          Name: table.name,
          PartitionKeys: table.partitionKeys.map((c) => ({ Name: c.name, Type: c.type, Comment: c.comment })),
          Parameters: Match.objectLike({
            'projection.enabled': 'true',
            // Athena refuses a query that does not name its tenant.
            'projection.tenant.type': 'injected',
            'projection.dt.format': 'yyyy-MM-dd',
          }),
          StorageDescriptor: Match.objectLike({
            Columns: table.columns.map((c) => ({ Name: c.name, Type: c.type, Comment: c.comment })),
            SerdeInfo: {
              SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
            },
          }),
        }),
      });
    // Firehose writes the layout the local lake writer writes (objectKeys.lakePartition), as Parquet.
    const layout = objectKeys.lakePartition('cdr', 'T', new Date('2026-11-24T00:00:00Z'));
    expect(layout).toBe('cdr/tenant=T/dt=2026-11-24/');
    primary.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'KinesisStreamAsSource',
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix:
          '!{partitionKeyFromQuery:table}/tenant=!{partitionKeyFromQuery:tenant}/dt=!{partitionKeyFromQuery:dt}/',
        BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 64 },
        DynamicPartitioningConfiguration: Match.objectLike({ Enabled: true }),
        DataFormatConversionConfiguration: Match.objectLike({
          Enabled: true,
          SchemaConfiguration: Match.objectLike({
            DatabaseName: lakeNames.database,
            // The ingest table below (a reference: Firehose converts with its columns).
            TableName: { Ref: Match.stringLikeRegexp('^LakeTableingest') },
          }),
        }),
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: Match.anyValue() } },
      }),
    });
    const ingest = Object.values(primary.findResources('AWS::Glue::Table')).find(
      (t) =>
        (t as { Properties: { TableInput: { Name: string } } }).Properties.TableInput.Name ===
        'call_events_ingest',
    ) as { Properties: { TableInput: { StorageDescriptor: { Columns: { Name: string }[] } } } };
    expect(new Set(ingest.Properties.TableInput.StorageDescriptor.Columns.map((c) => c.Name))).toEqual(
      new Set(lakeTables.flatMap((t) => t.columns.map((c) => c.name))),
    );
    primary.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: lakeNames.workgroup,
      WorkGroupConfiguration: Match.objectLike({
        BytesScannedCutoffPerQuery: Match.anyValue(),
        ResultConfiguration: Match.objectLike({
          EncryptionConfiguration: Match.objectLike({ EncryptionOption: 'SSE_KMS' }),
        }),
      }),
    });
    primary.resourceCountIs('AWS::Athena::NamedQuery', namedQueries.length);
    for (const query of namedQueries)
      primary.hasResourceProperties('AWS::Athena::NamedQuery', {
        Name: query.name,
        Database: lakeNames.database,
        QueryString: query.sql,
      });
  });

  it('rejects a bad configuration with a clear message', () => {
    expect(() =>
      buildApp(new App({ context: { [SKIP_BUNDLING]: [], openline: { ...context, regions: [] } } })),
    ).toThrow(/openline\.regions/);
    expect(() =>
      buildApp(
        new App({
          context: { [SKIP_BUNDLING]: [], openline: { ...context, regions: ['us-east-1', 'us-east-1'] } },
        }),
      ),
    ).toThrow(/must not repeat/);
  });
});
