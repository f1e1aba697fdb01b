/**
 * DuckDB results as Athena returns them: column types under Athena's (Trino's) lowercase names, and every
 * value as the text Athena puts in VarCharValue (timestamps with milliseconds, doubles as Java prints
 * them, arrays as `[a, b]`, rows and maps as `{k=v}`); null stays null.
 */
import {
  DuckDBArrayValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
} from '@duckdb/node-api';

/** One column of ResultSetMetadata.ColumnInfo. */
export interface AthenaColumnInfo {
  CatalogName: string;
  SchemaName: string;
  TableName: string;
  Name: string;
  Label: string;
  Type: string;
  Precision: number;
  Scale: number;
  Nullable: 'UNKNOWN';
  CaseSensitive: boolean;
}

/**
 * Athena's name for a DuckDB type. DuckDB widens some results where Trino does not: sum(bigint) is a
 * HUGEINT in DuckDB and a bigint in Athena, so HUGEINT is reported as bigint.
 */
export function athenaTypeName(type: DuckDBType): string {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return 'boolean';
    case DuckDBTypeId.TINYINT:
      return 'tinyint';
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return 'smallint';
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return 'integer';
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return 'bigint';
    case DuckDBTypeId.FLOAT:
      return 'real';
    case DuckDBTypeId.DOUBLE:
      return 'double';
    case DuckDBTypeId.DECIMAL:
      return 'decimal';
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
      return 'varchar';
    case DuckDBTypeId.BLOB:
      return 'varbinary';
    case DuckDBTypeId.DATE:
      return 'date';
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_NS:
      return 'time';
    case DuckDBTypeId.TIME_TZ:
      return 'time with time zone';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return 'timestamp';
    case DuckDBTypeId.TIMESTAMP_TZ:
      return 'timestamp with time zone';
    case DuckDBTypeId.INTERVAL:
      return 'interval day to second';
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return 'array';
    case DuckDBTypeId.STRUCT:
      return 'row';
    case DuckDBTypeId.MAP:
      return 'map';
    case DuckDBTypeId.UUID:
      return 'uuid';
    case DuckDBTypeId.SQLNULL:
      return 'unknown';
    default:
      return 'varchar';
  }
}

/** Precision and scale as Athena reports them for each type. */
function precisionAndScale(type: DuckDBType, name: string): [number, number] {
  if (type.typeId === DuckDBTypeId.DECIMAL) return [type.width, type.scale];
  const precision: Record<string, number> = {
    varchar: 2147483647,
    varbinary: 2147483647,
    bigint: 19,
    integer: 10,
    smallint: 5,
    tinyint: 3,
    double: 17,
    real: 17,
    timestamp: 3,
    'timestamp with time zone': 3,
  };
  return [precision[name] ?? 0, 0];
}

export function columnInfo(name: string, type: DuckDBType): AthenaColumnInfo {
  const typeName = athenaTypeName(type);
  const [precision, scale] = precisionAndScale(type, typeName);
  return {
    CatalogName: 'hive',
    SchemaName: '',
    TableName: '',
    Name: name,
    Label: name,
    Type: typeName,
    Precision: precision,
    Scale: scale,
    Nullable: 'UNKNOWN',
    CaseSensitive: typeName === 'varchar',
  };
}

/** A value as Athena's VarCharValue text; null for SQL NULL. */
export function athenaValue(value: DuckDBValue, type: DuckDBType): string | null {
  if (value === null) return null;
  return formatValue(value, type.typeId);
}

function formatValue(value: NonNullable<DuckDBValue>, typeId: DuckDBTypeId): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'number') {
    if (typeId === DuckDBTypeId.FLOAT) return javaDouble(shortestFloat(value));
    return typeId === DuckDBTypeId.DOUBLE || !Number.isInteger(value) ? javaDouble(value) : String(value);
  }
  if (value instanceof DuckDBTimestampTZValue) return `${timestampText(value.micros)} UTC`;
  if (value instanceof DuckDBTimestampValue) return timestampText(value.micros);
  if (value instanceof DuckDBTimestampMillisecondsValue) return timestampText(value.millis * 1000n);
  if (value instanceof DuckDBTimestampSecondsValue) return timestampText(value.seconds * 1_000_000n);
  if (value instanceof DuckDBTimestampNanosecondsValue) return timestampText(value.nanos / 1000n);
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue)
    return `[${value.items.map(nested).join(', ')}]`;
  if (value instanceof DuckDBStructValue)
    return `{${Object.entries(value.entries)
      .map(([key, item]) => `${key}=${nested(item)}`)
      .join(', ')}}`;
  if (value instanceof DuckDBMapValue)
    return `{${value.entries.map((entry) => `${nested(entry.key)}=${nested(entry.value)}`).join(', ')}}`;
  return String(value);
}

/** Nested values carry no column type: a whole number prints as an integer, others as doubles. */
function nested(value: DuckDBValue): string {
  return value === null ? 'null' : formatValue(value, DuckDBTypeId.INVALID);
}

const pad = (n: number | bigint, width = 2): string => String(n).padStart(width, '0');

/** `yyyy-mm-dd hh:mm:ss.fff`, Athena's rendering of timestamp(3); micros are truncated to millis. */
function timestampText(micros: bigint): string {
  const millis = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
  const at = new Date(Number(millis));
  if (Number.isNaN(at.getTime())) return String(micros);
  return (
    `${pad(at.getUTCFullYear(), 4)}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ` +
    `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}.${pad(at.getUTCMilliseconds(), 3)}`
  );
}

/** Java's Double.toString, which Athena uses for doubles: `1.0`, `0.25`, `1.0E7`, `1.5E-4`, `NaN`. */
export function javaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const plain = String(value);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const [mantissa = '', exponent = '0'] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** The shortest decimal that reads back as the same 32-bit float (Java's Float.toString digits). */
function shortestFloat(value: number): number {
  if (!Number.isFinite(value)) return value;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/** Athena's CSV result file: every value double-quoted (quotes doubled), nulls empty, CRLF-free lines. */
export function resultCsv(columns: readonly string[], rows: readonly (readonly (string | null)[])[]): string {
  const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
  const lines = [columns.map(quote).join(',')];
  for (const row of rows) lines.push(row.map((value) => (value === null ? '' : quote(value))).join(','));
  return `${lines.join('\n')}\n`;
}
