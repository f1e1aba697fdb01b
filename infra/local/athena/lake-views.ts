/**
 * The lake as DuckDB views, as the Glue tables show it to Athena. Before each query the emulator calls
 * `update()`: it lists `s3://<bucket>/<table>/` (paged), downloads new objects into a private cache folder
 * (a file per key and ETag: lake files are immutable once written; deleted ones disappear from the cache),
 * then (re)creates one view per table whose files changed:
 *
 *   SELECT CAST(col AS <declared type>) AS col, …, tenant, dt
 *   FROM read_parquet([files], hive_partitioning = true, union_by_name = true,
 *                     hive_types = {'tenant': VARCHAR, 'dt': VARCHAR})
 *
 * Columns come in the declared order, partition columns last. `hive_types` keeps partition values as text
 * (DuckDB would otherwise autocast `dt=2026-11-24` to DATE; in Glue they are strings). union_by_name reads
 * files written before a column existed; a declared column that no file has yet is a typed NULL. A table
 * with no files is an empty view with the same columns.
 *
 * Only keys laid out as `<table>/<partition>=<value>/…/<file>` (the layout Firehose's dynamic
 * partitioning writes) are read; the cache keeps that layout, so DuckDB reads the partition values from
 * the cached path. Hidden files (`_…`, `.…`), folder markers and empty objects are skipped, as Athena does.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LakeColumnType, LakeTable } from '../../../layers/resources/lake.ts';

/** DuckDB's type for each Glue column type. */
export const duckdbTypes = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
} as const satisfies Record<LakeColumnType, string>;

interface CachedFile {
  readonly key: string;
  readonly etag: string;
  readonly size: number;
  /** Absolute path in the cache folder. */
  readonly path: string;
}

export interface LakeViewsOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Private folder the lake files are copied to (DuckDB may read only there). */
  readonly cacheDir: string;
  /** Catalog and schema the views are created in, e.g. `awsdatacatalog`.`openline_lake`. */
  readonly catalog: string;
  readonly database: string;
  readonly tables: readonly LakeTable[];
}

/** A partition value that can be a folder name as it is (tenant ids, dates). */
const SAFE_PARTITION_VALUE = /^[A-Za-z0-9][A-Za-z0-9_.:@+-]*$/;

export class LakeViews {
  /** Per table, the cached files by object key. */
  private readonly files = new Map<string, Map<string, CachedFile>>();
  /** Per table, the file list its current view reads (undefined until the view exists). */
  private readonly viewSignatures = new Map<string, string>();

  constructor(private readonly options: LakeViewsOptions) {
    for (const table of options.tables) this.files.set(table.name, new Map());
  }

  /** Creates every table's view, empty (before the first update has listed the bucket). */
  async createEmptyViews(connection: DuckDBConnection): Promise<void> {
    for (const table of this.options.tables) {
      await connection.run(await this.viewSql(connection, table, []));
      this.viewSignatures.set(table.name, '');
    }
  }

  /** Brings the cache and the views up to date with the lake bucket. */
  async update(connection: DuckDBConnection): Promise<void> {
    for (const table of this.options.tables) {
      const files = await this.sync(table);
      const signature = files.map((file) => file.path).join('\n');
      if (this.viewSignatures.get(table.name) === signature) continue;
      await connection.run(await this.viewSql(connection, table, files));
      this.viewSignatures.set(table.name, signature);
    }
  }

  /** Bytes of the files behind the named tables (all tables when `tableNames` is undefined). */
  bytesOf(tableNames: readonly string[] | undefined): number {
    let bytes = 0;
    for (const [name, files] of this.files) {
      if (tableNames !== undefined && !tableNames.includes(name)) continue;
      for (const file of files.values()) bytes += file.size;
    }
    return bytes;
  }

  /** Lists the table's objects, downloads the new ones and forgets the deleted ones. */
  private async sync(table: LakeTable): Promise<CachedFile[]> {
    const cached = this.files.get(table.name) ?? new Map<string, CachedFile>();
    const listed = new Map<string, { etag: string; size: number }>();
    let continuationToken: string | undefined;
    do {
      const page = await this.options.s3.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: `${table.name}/`,
          ContinuationToken: continuationToken,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || (object.Size ?? 0) === 0) continue;
        listed.set(object.Key, { etag: object.ETag ?? '', size: object.Size ?? 0 });
      }
      continuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);

    for (const [key, file] of cached) {
      if (listed.get(key)?.etag === file.etag) continue;
      cached.delete(key);
      await rm(file.path, { force: true });
    }
    for (const [key, { etag, size }] of listed) {
      if (cached.has(key)) continue;
      const path = this.cachePath(table, key, etag);
      if (path === undefined) continue;
      await this.download(key, path);
      cached.set(key, { key, etag, size, path });
    }
    this.files.set(table.name, cached);
    return [...cached.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  /**
   * `<cache>/<table>/<p1>=<v1>/<p2>=<v2>/<hash of key and ETag>.parquet`, or undefined for keys outside
   * the partition layout and hidden files.
   */
  private cachePath(table: LakeTable, key: string, etag: string): string | undefined {
    const segments = key.split('/');
    const partitions = segments.slice(1, 1 + table.partitionKeys.length);
    const rest = segments.slice(1 + table.partitionKeys.length);
    const fileName = rest.at(-1) ?? '';
    if (fileName === '' || fileName.startsWith('_') || fileName.startsWith('.')) return undefined;
    const layoutOk = table.partitionKeys.every((column, index) => {
      const [name, value, extra] = (partitions[index] ?? '').split('=');
      return name === column.name && extra === undefined && SAFE_PARTITION_VALUE.test(value ?? '');
    });
    if (!layoutOk) return undefined;
    const hash = createHash('sha256').update(`${key}\n${etag}`).digest('hex').slice(0, 32);
    return join(this.options.cacheDir, table.name, ...partitions, `${hash}.parquet`);
  }

  private async download(key: string, path: string): Promise<void> {
    const object = await this.options.s3.send(
      new GetObjectCommand({ Bucket: this.options.bucket, Key: key }),
    );
    const bytes = await object.Body?.transformToByteArray();
    if (bytes === undefined) throw new Error(`s3://${this.options.bucket}/${key} has no body`);
    await mkdir(dirname(path), { recursive: true });
    const partial = `${path}.partial`;
    await writeFile(partial, bytes);
    await rename(partial, path);
  }

  private async viewSql(
    connection: DuckDBConnection,
    table: LakeTable,
    files: readonly CachedFile[],
  ): Promise<string> {
    const view = `${identifier(this.options.catalog)}.${identifier(this.options.database)}.${identifier(table.name)}`;
    const partitions = table.partitionKeys.map((column) => identifier(column.name));
    if (files.length === 0) {
      const columns = [...table.columns, ...table.partitionKeys].map(
        (column) => `CAST(NULL AS ${duckdbTypes[column.type]}) AS ${identifier(column.name)}`,
      );
      return `CREATE OR REPLACE VIEW ${view} AS SELECT ${columns.join(', ')} WHERE false`;
    }
    const list = `[${files.map((file) => stringLiteral(file.path)).join(', ')}]`;
    const present = await presentColumns(connection, list);
    const columns = table.columns.map((column) => {
      const source = present.has(column.name) ? identifier(column.name) : 'NULL';
      return `CAST(${source} AS ${duckdbTypes[column.type]}) AS ${identifier(column.name)}`;
    });
    const hiveTypes = table.partitionKeys
      .map((column) => `${stringLiteral(column.name)}: ${duckdbTypes[column.type]}`)
      .join(', ');
    return (
      `CREATE OR REPLACE VIEW ${view} AS SELECT ${[...columns, ...partitions].join(', ')} ` +
      `FROM read_parquet(${list}, hive_partitioning = true, union_by_name = true, hive_types = {${hiveTypes}})`
    );
  }
}

/** Names of the columns found in any of the files. */
async function presentColumns(connection: DuckDBConnection, fileList: string): Promise<Set<string>> {
  const reader = await connection.runAndReadAll(`SELECT DISTINCT name FROM parquet_schema(${fileList})`);
  return new Set(reader.getRowsJS().map((row) => String(row[0])));
}

export const identifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;
export const stringLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`;
