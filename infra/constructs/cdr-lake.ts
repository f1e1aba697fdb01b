/**
 * The CDR lake's catalogue and query side on AWS: the Glue database and one table per lake table
 * (layers/resources/lake.ts: the same columns the local lake writer and the Athena emulator use), Parquet
 * under `<table>/tenant=<id>/dt=<day>/` of the lake bucket, found by partition projection — the tenant is
 * an injected key, so Athena refuses a query that does not name one tenant; the Athena workgroup (results
 * encrypted under the lake's prefix, a cap on the bytes a query may scan); and the named report queries.
 * Firehose reads the call-events stream and writes Parquet under the same dynamic partitions as the
 * local lake writer (a minute's buffer: a call's row is queryable within about a minute of its end).
 */
import { Duration, Size, Stack, Validations } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import {
  DeliveryStream,
  InputFormat,
  KinesisStreamSource,
  MetadataExtractionProcessor,
  OutputFormat,
  S3Bucket,
  SchemaConfiguration,
} from 'aws-cdk-lib/aws-kinesisfirehose';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { namedQueries } from '../../layers/domain/reports/named-queries.ts';
import { type LakeTable, lakeNames, lakeTables } from '../../layers/resources/lake.ts';

export interface CdrLakeProps {
  readonly bucket: IBucket;
  readonly key: IKey;
  /** The call-events stream Firehose reads. */
  readonly stream: IStream;
  /** The first day partitions exist for (partition projection's range starts there). */
  readonly since: string;
}

/** The Glue table Firehose converts with (the union of the lake tables' columns). */
const INGEST_TABLE = 'call_events_ingest';

/** Every column of the lake tables once (a name shared by two tables has one type in both). */
function unionColumns() {
  const byName = new Map<string, { name: string; type: string }>();
  for (const table of lakeTables)
    for (const column of table.columns) {
      const known = byName.get(column.name);
      if (known !== undefined && known.type !== column.type)
        throw new Error(
          `lake column ${column.name} is ${known.type} in one table and ${column.type} in another`,
        );
      byName.set(column.name, column);
    }
  return [...byName.values()];
}

/** A query may scan at most this much (a report over years of one tenant's calls stays far below it). */
const BYTES_SCANNED_CUTOFF = 10 * 1024 ** 3;

/** What Firehose does with its S3 destination, and nothing else (no deletes, no wildcards). */
const FIREHOSE_S3_ACTIONS = [
  's3:AbortMultipartUpload',
  's3:GetBucketLocation',
  's3:GetObject',
  's3:ListBucket',
  's3:ListBucketMultipartUploads',
  's3:PutObject',
];

export class CdrLake extends Construct {
  readonly deliveryStream: DeliveryStream;

  constructor(scope: Construct, id: string, props: CdrLakeProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    const database = new CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: {
        name: lakeNames.database,
        description: 'Openline call detail records and agent events',
      },
    });
    for (const table of lakeTables) {
      const glueTable = new CfnTable(this, `Table-${table.name}`, {
        catalogId: account,
        databaseName: lakeNames.database,
        tableInput: tableInput(table, props.bucket.bucketName, props.since),
      });
      glueTable.node.addDependency(database);
    }
    // Firehose converts with one schema: the union of the tables' columns (the same name is the same type
    // in both). Each record type lands under its own table's prefix, where Athena reads its columns by name.
    const ingest = new CfnTable(this, 'Table-ingest', {
      catalogId: account,
      databaseName: lakeNames.database,
      tableInput: {
        name: INGEST_TABLE,
        description: 'The schema Firehose converts call events with (not queried: see cdr and agent_events)',
        tableType: 'EXTERNAL_TABLE',
        storageDescriptor: {
          columns: unionColumns().map((c) => ({ name: c.name, type: c.type })),
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    });
    ingest.node.addDependency(database);
    const prefix =
      '!{partitionKeyFromQuery:table}/tenant=!{partitionKeyFromQuery:tenant}/dt=!{partitionKeyFromQuery:dt}/';
    this.deliveryStream = new DeliveryStream(this, 'Firehose', {
      source: new KinesisStreamSource(props.stream),
      destination: new S3Bucket(props.bucket, {
        dataOutputPrefix: prefix,
        errorOutputPrefix: 'firehose-errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/',
        bufferingInterval: Duration.seconds(60),
        bufferingSize: Size.mebibytes(64),
        encryptionKey: props.key,
        dynamicPartitioning: { enabled: true },
        processors: [
          MetadataExtractionProcessor.jq16({
            table: '.type | if . == "cdr" then "cdr" else "agent_events" end',
            tenant: '.tenant',
            dt: '.dt',
          }),
        ],
        dataFormatConversion: {
          schemaConfiguration: SchemaConfiguration.fromCfnTable(ingest),
          inputFormat: InputFormat.OPENX_JSON,
          outputFormat: OutputFormat.PARQUET,
        },
      }),
    });
    const workgroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: lakeNames.workgroup,
      description: 'Openline reports over the CDR lake',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: false,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${props.bucket.bucketName}/query-results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
        },
      },
    });
    const acknowledge = (id: string, reason: string) =>
      Validations.of(this.deliveryStream).acknowledge({ id, reason });
    acknowledge(
      'AwsSolutions-KDF1',
      'Firehose cannot encrypt a delivery stream whose source is a Kinesis stream: the records rest encrypted in the stream (KMS) and in the lake bucket (its KMS key).',
    );
    // aws-cdk-lib grants the destination role read-write with wildcard actions (s3:List*, kms:ReEncrypt*, …):
    // narrowed to the actions Firehose's S3 destination uses (its developer guide's policy).
    const destinationPolicy = this.deliveryStream.node
      .tryFindChild('S3 Destination Role')
      ?.node.tryFindChild('DefaultPolicy')?.node.defaultChild as CfnPolicy | undefined;
    if (destinationPolicy === undefined) throw new Error("aws-cdk-lib's Firehose destination role moved");
    const document = Stack.of(this).resolve(destinationPolicy.policyDocument) as {
      Statement: { Action: string | string[] }[];
    };
    for (const statement of document.Statement) {
      const actions = [statement.Action].flat();
      if (actions.some((a) => a.startsWith('s3:'))) statement.Action = FIREHOSE_S3_ACTIONS;
      else if (actions.some((a) => a.startsWith('kms:')))
        statement.Action = ['kms:Decrypt', 'kms:GenerateDataKey'];
    }
    destinationPolicy.policyDocument = document;
    const writes = "Firehose's grant on the lake bucket (aws-cdk-lib's, its actions narrowed here)";
    const lake = Stack.of(this).getLogicalId(props.bucket.node.defaultChild as CfnBucket);
    acknowledge(`AwsSolutions-IAM5[Resource::<${lake}.Arn>/*]`, `${writes}: it writes the lake's objects.`);
    acknowledge(
      'AwsSolutions-IAM5[Resource::*]',
      "Firehose's record format conversion reads the Glue schema version (glue:GetSchemaVersion takes no resource).",
    );
    for (const query of namedQueries) {
      const named = new CfnNamedQuery(this, `Query-${query.name}`, {
        name: query.name,
        description: `${query.title}: ${query.description}`.slice(0, 1024),
        database: lakeNames.database,
        workGroup: lakeNames.workgroup,
        queryString: query.sql,
      });
      named.node.addDependency(workgroup);
    }
  }
}

function tableInput(table: LakeTable, bucket: string, since: string): CfnTable.TableInputProperty {
  const location = `s3://${bucket}/${table.name}/`;
  return {
    name: table.name,
    description: table.description,
    tableType: 'EXTERNAL_TABLE',
    partitionKeys: table.partitionKeys.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
    parameters: {
      classification: 'parquet',
      EXTERNAL: 'TRUE',
      'projection.enabled': 'true',
      // Every query names its tenant (the named queries do; Athena refuses one that does not).
      'projection.tenant.type': 'injected',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': `${since},NOW`,
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'storage.location.template': `${location}tenant=\${tenant}/dt=\${dt}/`,
    },
    storageDescriptor: {
      location,
      columns: table.columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
      inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
    },
  };
}
