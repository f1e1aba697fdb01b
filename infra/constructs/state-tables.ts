/**
 * The DynamoDB tables of layers/resources/tables.ts. `global` tables (configuration, recordings index) are
 * created in the primary region with a replica in every standby region; `regional` tables (live state)
 * are created in each region, so every conditional write is decided in exactly one region.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  type ITableV2,
  ProjectionType,
  StreamViewType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { TableDefinition } from '../../layers/resources/index.ts';

export interface StateTablesProps {
  readonly definitions: readonly TableDefinition[];
  readonly stage: 'dev' | 'prod';
  /** True in the primary region's stack: it owns the global tables. */
  readonly primary: boolean;
  readonly standbyRegions: readonly string[];
}

export class StateTables extends Construct {
  /** Tables by definition id. */
  readonly tables: Readonly<Record<string, ITableV2>>;
  /** Environment variables that give functions the physical table names. */
  readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: StateTablesProps) {
    super(scope, id);
    const tables: Record<string, ITableV2> = {};
    const environment: Record<string, string> = {};
    for (const definition of props.definitions) {
      const table =
        definition.replication === 'global' && !props.primary
          ? // A replica has the same name in every region; the primary stack created it.
            TableV2.fromTableName(this, definition.id, globalTableName(props.stage, definition))
          : this.createTable(definition, props);
      tables[definition.id] = table;
      environment[definition.envVar] = table.tableName;
    }
    this.tables = tables;
    this.environment = environment;
  }

  private createTable(definition: TableDefinition, props: StateTablesProps): TableV2 {
    const attributeType = (t: 'S' | 'N') => (t === 'S' ? AttributeType.STRING : AttributeType.NUMBER);
    const global = definition.replication === 'global';
    return new TableV2(this, definition.id, {
      // Global tables need one name in all regions; regional tables are named by CloudFormation.
      tableName: global ? globalTableName(props.stage, definition) : undefined,
      partitionKey: { name: definition.partitionKey.name, type: attributeType(definition.partitionKey.type) },
      sortKey: { name: definition.sortKey.name, type: attributeType(definition.sortKey.type) },
      globalSecondaryIndexes: definition.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: { name: index.partitionKey.name, type: attributeType(index.partitionKey.type) },
        sortKey: { name: index.sortKey.name, type: attributeType(index.sortKey.type) },
        projectionType: index.projection === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY,
      })),
      billing: Billing.onDemand(),
      timeToLiveAttribute: definition.ttlAttribute,
      dynamoStream: definition.stream === 'NONE' ? undefined : StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: props.stage === 'prod',
      removalPolicy: props.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      replicas: global ? props.standbyRegions.map((region) => ({ region })) : undefined,
    });
  }
}

export function globalTableName(stage: string, definition: TableDefinition): string {
  return `openline-${stage}-${definition.id}`;
}
