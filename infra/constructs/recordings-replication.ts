/**
 * Cross-region replication of the primary region's recordings (and voicemail) into the disaster-recovery
 * region's recordings bucket, made by the DR stack: CloudFormation deploys the primary first (it owns the
 * global tables), so the DR stack, deployed after it, sets the replication rule on the primary's bucket
 * through the S3 API once its own bucket exists. Objects are SSE-KMS: they are decrypted with the primary's
 * key only through S3 for that bucket, and re-encrypted with the DR region's key. Deletions (the retention
 * sweep's delete markers) replicate too, so a recording past its retention leaves both regions.
 */
import { Aws, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { replicatedBucketName } from './storage-buckets.ts';

export interface RecordingsReplicationProps {
  readonly stage: 'dev' | 'prod';
  /** The bucket id in the resource catalogue (`recordings`). */
  readonly bucketId: string;
  readonly primaryRegion: string;
  /** This (DR) region's bucket and the key it encrypts with. */
  readonly destination: IBucket;
  readonly destinationKey: IKey;
}

export class RecordingsReplication extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: RecordingsReplicationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const source = replicatedBucketName(props.stage, props.bucketId, props.primaryRegion);
    const sourceArn = `arn:${Aws.PARTITION}:s3:::${source}`;
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('s3.amazonaws.com'),
      description: `Replicates ${props.bucketId} from ${props.primaryRegion} to ${stack.region}`,
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
        resources: [sourceArn],
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        actions: [
          's3:GetObjectVersionForReplication',
          's3:GetObjectVersionAcl',
          's3:GetObjectVersionTagging',
        ],
        resources: [`${sourceArn}/*`],
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
        resources: [props.destination.arnForObjects('*')],
      }),
    );
    // The primary's key is another stack's: any key of the account, but only as S3 uses it for that bucket.
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [`arn:${Aws.PARTITION}:kms:${props.primaryRegion}:${Aws.ACCOUNT_ID}:key/*`],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${props.primaryRegion}.amazonaws.com` },
          // With S3 Bucket Keys the encryption context names the bucket, without them the object.
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [sourceArn, `${sourceArn}/*`] },
        },
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [props.destinationKey.keyArn],
      }),
    );
    for (const finding of [
      `Resource::arn:<AWS::Partition>:s3:::openline-${props.stage}-${props.bucketId}-<AWS::AccountId>-${props.primaryRegion}/*`,
      `Resource::<${stack.getLogicalId(props.destination.node.defaultChild as never)}.Arn>/*`,
      `Resource::arn:<AWS::Partition>:kms:${props.primaryRegion}:<AWS::AccountId>:key/*`,
    ])
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          "S3 replication of the primary's recordings: every object version of that one bucket, every object of this region's copy, and the primary's key only through S3 for that bucket (kms:ViaService and the bucket in the encryption context).",
      });

    const configuration = {
      Role: this.role.roleArn,
      Rules: [
        {
          ID: `to-${stack.region}`,
          Priority: 1,
          Status: 'Enabled',
          Filter: { Prefix: 'tenants/' },
          DeleteMarkerReplication: { Status: 'Enabled' },
          SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
          Destination: {
            Bucket: props.destination.bucketArn,
            EncryptionConfiguration: { ReplicaKmsKeyID: props.destinationKey.keyArn },
          },
        },
      ],
    };
    const put = {
      service: 'S3',
      action: 'PutBucketReplication',
      parameters: { Bucket: source, ReplicationConfiguration: configuration },
      physicalResourceId: PhysicalResourceId.of(`${source}-replication`),
      region: props.primaryRegion,
    };
    const rule = new AwsCustomResource(this, 'Rule', {
      onCreate: put,
      onUpdate: put,
      onDelete: {
        service: 'S3',
        action: 'DeleteBucketReplication',
        parameters: { Bucket: source },
        region: props.primaryRegion,
      },
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({
          actions: ['s3:PutReplicationConfiguration', 's3:GetReplicationConfiguration'],
          resources: [sourceArn],
        }),
        new PolicyStatement({ actions: ['iam:PassRole'], resources: [this.role.roleArn] }),
      ]),
      installLatestAwsSdk: false,
    });
    rule.node.addDependency(this.role);
  }
}
