/**
 * The S3 buckets of layers/resources/buckets.ts: private, TLS-only, encrypted (with a customer-managed
 * key where they hold personal data), versioned. Recordings are deleted per tenant by the retention sweep,
 * never by age. Buckets that replicate to the disaster-recovery region have a name known in every region
 * (`openline-<stage>-<bucket>-<account>-<region>`), so the DR stack can point replication at them.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { BucketDefinition } from '../../layers/resources/index.ts';

export interface StorageBucketsProps {
  readonly definitions: readonly BucketDefinition[];
  readonly stage: 'dev' | 'prod';
  /** Where each bucket's server access logs go. */
  readonly accessLogs: IBucket;
}

export class StorageBuckets extends Construct {
  readonly buckets: Readonly<Record<string, IBucket>>;
  readonly environment: Readonly<Record<string, string>>;
  /** The key that encrypts sensitive buckets (recordings, the lake). */
  readonly dataKey: Key;

  constructor(scope: Construct, id: string, props: StorageBucketsProps) {
    super(scope, id);
    const retain = props.stage === 'prod';
    this.dataKey = new Key(this, 'DataKey', {
      description: 'Openline call recordings and call detail records',
      enableKeyRotation: true,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const buckets: Record<string, IBucket> = {};
    const environment: Record<string, string> = {};
    for (const definition of props.definitions) {
      const bucket = new Bucket(this, definition.id, {
        bucketName: definition.replicate
          ? replicatedBucketName(props.stage, definition.id, Aws.REGION)
          : undefined,
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforceSSL: true,
        versioned: true,
        encryption: definition.sensitive ? BucketEncryption.KMS : BucketEncryption.S3_MANAGED,
        encryptionKey: definition.sensitive ? this.dataKey : undefined,
        bucketKeyEnabled: definition.sensitive,
        // Recordings are deleted by the retention sweep, per tenant and never under a legal hold
        // (functions/recordings/retention.ts): no expiry by age here, only a cheaper class after a month.
        lifecycleRules:
          definition.id === 'recordings'
            ? [
                {
                  id: 'infrequent-access',
                  transitions: [
                    { storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
                  ],
                  noncurrentVersionExpiration: Duration.days(1),
                },
              ]
            : [{ id: 'old-versions', noncurrentVersionExpiration: Duration.days(30) }],
        removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        autoDeleteObjects: !retain,
        serverAccessLogsBucket: props.accessLogs,
        serverAccessLogsPrefix: `s3/${definition.id}/`,
      });
      buckets[definition.id] = bucket;
      environment[definition.envVar] = bucket.bucketName;
    }
    this.buckets = buckets;
    this.environment = environment;
  }
}

/** The same name as cdk-nag renders it (the account is a pseudo parameter). */
export function renderedReplicatedBucketName(stage: string, bucket: string, region: string): string {
  return `openline-${stage}-${bucket}-<AWS::AccountId>-${region}`;
}

/** The name of a replicated bucket in a region (same account): what replication in another stack targets. */
export function replicatedBucketName(stage: string, bucket: string, region: string): string {
  return `openline-${stage}-${bucket}-${Aws.ACCOUNT_ID}-${region}`;
}
