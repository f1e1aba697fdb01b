/**
 * Rows of a lake table as one Parquet file, the way the local cloud's Firehose stand-in (and tests) put
 * files in the lake bucket. Each LakeColumnType maps to one Parquet type: string → UTF8 byte array,
 * bigint → INT64, double → DOUBLE, boolean → BOOLEAN, timestamp → INT64 TIMESTAMP_MILLIS (UTC instants;
 * Athena and DuckDB read them as timestamps without time zone). Every column is optional (nullable).
 */
import type { ColumnSource } from 'hyparquet-writer';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { LakeColumn, LakeColumnType, LakeTable } from '../../../layers/resources/lake.ts';

/** A row value that does not fit its column's type. */
export class ParquetRowError extends Error {
  override readonly name = 'ParquetRowError';
}

const parquetTypes = {
  string: 'STRING',
  bigint: 'INT64',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
} as const satisfies Record<LakeColumnType, ColumnSource['type']>;

/**
 * One Parquet file holding `rows`: the table's non-partition columns, in the declared order (the
 * partition columns live in the object path). A missing, null or undefined value is written as null;
 * keys that are not columns are ignored, as Firehose's record format conversion ignores unknown fields.
 * Timestamps are Date objects or ISO-8601 strings; bigints are bigint or safe-integer numbers.
 */
export function parquetFile(table: LakeTable, rows: readonly Record<string, unknown>[]): Uint8Array {
  const columnData: ColumnSource[] = table.columns.map((column) => ({
    name: column.name,
    type: parquetTypes[column.type],
    nullable: true,
    data: rows.map((row, index) => toParquetValue(column, row[column.name], index)),
  }));
  return new Uint8Array(parquetWriteBuffer({ columnData, createdBy: 'openline local lake' }));
}

type ParquetValue = string | bigint | number | boolean | Date | null;

function toParquetValue(column: LakeColumn, value: unknown, rowIndex: number): ParquetValue {
  if (value === null || value === undefined) return null;
  const wrong = (): never => {
    throw new ParquetRowError(
      `row ${rowIndex}, column ${column.name} (${column.type}): unexpected value ${describe(value)}`,
    );
  };
  switch (column.type) {
    case 'string':
      return typeof value === 'string' ? value : wrong();
    case 'bigint':
      if (typeof value === 'bigint') return value;
      return typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : wrong();
    case 'double':
      return typeof value === 'number' ? value : wrong();
    case 'boolean':
      return typeof value === 'boolean' ? value : wrong();
    case 'timestamp': {
      const at = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : wrong();
      return Number.isNaN(at.getTime()) ? wrong() : at;
    }
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date)
    return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  return typeof value === 'object' ? (Array.isArray(value) ? 'an array' : 'an object') : String(value);
}
