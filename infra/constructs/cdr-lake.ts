/**
 * The CDR lake's catalogue and query side on AWS: the Glue database and one table per lake table
 * (layers/resources/lake.ts: the same columns the local lake writer and the Athena emulator use), Parquet
 * under `<table>/tenant=<id>/dt=<day>/` of the lake bucket, found by partition projection — the tenant is
 * an injected key, so Athena refuses a query that does not name one tenant; the Athena workgroup (results
 * encrypted under the lake's prefix, a cap on the bytes a query may scan); and the named report queries.
 * Firehose (Kinesis → Parquet with dynamic partitioning) joins with the rest of the deployment (issue 9).
 */
import { Stack } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { namedQueries } from '../../layers/domain/reports/named-queries.ts';
import { type LakeTable, lakeNames, lakeTables } from '../../layers/resources/lake.ts';

export interface CdrLakeProps {
  readonly bucket: IBucket;
  readonly key: IKey;
  /** The first day partitions exist for (partition projection's range starts there). */
  readonly since: string;
}

/** A query may scan at most this much (a report over years of one tenant's calls stays far below it). */
const BYTES_SCANNED_CUTOFF = 10 * 1024 ** 3;

export class CdrLake extends Construct {
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
