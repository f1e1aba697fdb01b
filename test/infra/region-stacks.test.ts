/**
 * The CDK app builds its resources from the same definitions as the local cloud: these assertions read the
 * definitions, not a snapshot, so a change to a table or stream shows up on both sides or fails here.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/bin/app.ts';
import { resources } from '../../layers/resources/index.ts';

const context = {
  regions: ['us-east-1', 'eu-west-1'],
  stage: 'prod',
  domain: '',
  recordingRetentionDays: 427,
};
let primary: Template;
let standby: Template;

beforeAll(() => {
  const app = buildApp(new App({ context: { openline: context } }));
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

  it('creates private, TLS-only, encrypted buckets; recordings expire after the retention', () => {
    const buckets = primary.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(resources.buckets.length);
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
        Rules: Match.arrayWith([
          Match.objectLike({ Id: 'retention', ExpirationInDays: 427, Status: 'Enabled' }),
        ]),
      },
    });
    primary.resourceCountIs('AWS::S3::BucketPolicy', resources.buckets.length);
    primary.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('rejects a bad configuration with a clear message', () => {
    expect(() => buildApp(new App({ context: { openline: { ...context, regions: [] } } }))).toThrow(
      /openline\.regions/,
    );
    expect(() =>
      buildApp(new App({ context: { openline: { ...context, regions: ['us-east-1', 'us-east-1'] } } })),
    ).toThrow(/must not repeat/);
  });
});
