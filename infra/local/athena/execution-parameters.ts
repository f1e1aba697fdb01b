/**
 * Athena's execution parameters: each string of ExecutionParameters replaces, in order, one `?`
 * placeholder of the query, as SQL literal text. Athena substitutes the text as given; the emulator first
 * checks that every value is a literal (a quoted string, optionally typed DATE or TIMESTAMP, an integer or
 * a decimal), so a value can never add SQL of its own.
 *
 * Placeholders are found with Trino's lexical rules (Athena's engine): a `?` inside a string literal, a
 * quoted identifier or a comment is not a placeholder. DuckDB's dollar-quoted strings (`$$…$$`,
 * `$tag$…$tag$`) are skipped too, because DuckDB would read them as strings.
 */

/** A parameter value that is not a literal the emulator accepts (StartQueryExecution refuses it). */
export class ExecutionParameterError extends Error {
  override readonly name = 'ExecutionParameterError';
}

/** The numbers of parameters and placeholders differ (Athena accepts the query, then fails it). */
export class ParameterCountError extends Error {
  override readonly name = 'ParameterCountError';
  constructor(
    readonly expected: number,
    readonly found: number,
  ) {
    super(`Incorrect number of parameters: expected ${expected} but found ${found}`);
  }
}

/** Athena's limit on each value (the API's length constraint). */
const MAX_PARAMETER_LENGTH = 1024;

const QUOTED = "'(?:[^']|'')*'";
const LITERALS: readonly RegExp[] = [
  new RegExp(`^${QUOTED}$`, 's'),
  new RegExp(`^(?:DATE|TIMESTAMP)\\s+${QUOTED}$`, 'is'),
  /^[+-]?\d+$/,
  /^[+-]?(?:\d+\.\d*|\.\d+)$/,
];

/**
 * The literal text for one parameter value, or ExecutionParameterError. Surrounding whitespace is dropped
 * and a DATE or TIMESTAMP keyword is upper-cased; the literal itself is kept as given.
 */
export function parameterLiteral(value: string, position: number): string {
  if (value.length < 1 || value.length > MAX_PARAMETER_LENGTH)
    throw new ExecutionParameterError(
      `ExecutionParameters[${position}] must be 1 to ${MAX_PARAMETER_LENGTH} characters long`,
    );
  const text = value.trim();
  if (text.includes('\u0000') || !LITERALS.some((literal) => literal.test(text)))
    throw new ExecutionParameterError(
      `ExecutionParameters[${position}] is not a SQL literal: use a quoted string ('text', with '' for a ` +
        `quote), DATE 'yyyy-mm-dd', TIMESTAMP 'yyyy-mm-dd hh:mm:ss', an integer or a decimal`,
    );
  const typed = /^(DATE|TIMESTAMP)\s+/i.exec(text);
  return typed === null ? text : `${(typed[1] ?? '').toUpperCase()} ${text.slice(typed[0].length)}`;
}

/** Checks every value (ExecutionParameterError) and returns their literal texts. */
export function parameterLiterals(values: readonly string[]): string[] {
  return values.map((value, index) => parameterLiteral(value, index));
}

/** Offsets of the `?` placeholders of a query, in order. */
export function placeholderOffsets(sql: string): number[] {
  const offsets: number[] = [];
  scanSql(sql, (offset) => offsets.push(offset));
  return offsets;
}

/**
 * The query with each placeholder replaced by its literal (already checked by parameterLiterals), padded
 * with spaces so that it never fuses with the text around it (`x -?` must not become the comment `x --1`).
 * ParameterCountError when the numbers differ.
 */
export function bindExecutionParameters(sql: string, literals: readonly string[]): string {
  const offsets = placeholderOffsets(sql);
  if (offsets.length !== literals.length) throw new ParameterCountError(offsets.length, literals.length);
  let bound = '';
  let from = 0;
  offsets.forEach((offset, index) => {
    bound += `${sql.slice(from, offset)} ${literals[index]} `;
    from = offset + 1;
  });
  return bound + sql.slice(from);
}

/**
 * The first keyword of a query (upper-case), after comments and whitespace; `(` for a parenthesised
 * query; '' for an empty one.
 */
export function leadingKeyword(sql: string): string {
  let i = 0;
  for (;;) {
    const skipped = skipSpaceAndComments(sql, i);
    if (skipped === i) break;
    i = skipped;
  }
  if (sql[i] === '(') return '(';
  return /^[A-Za-z_]+/.exec(sql.slice(i))?.[0].toUpperCase() ?? '';
}

function skipSpaceAndComments(sql: string, from: number): number {
  let i = from;
  while (i < sql.length && /\s/.test(sql[i] ?? '')) i++;
  if (sql.startsWith('--', i)) return lineEnd(sql, i);
  if (sql.startsWith('/*', i)) return blockEnd(sql, i);
  return i;
}

const lineEnd = (sql: string, from: number): number => {
  const end = sql.indexOf('\n', from);
  return end === -1 ? sql.length : end + 1;
};

const blockEnd = (sql: string, from: number): number => {
  const end = sql.indexOf('*/', from + 2);
  return end === -1 ? sql.length : end + 2;
};

/** Walks the query, calling `placeholder` with the offset of each `?` outside strings and comments. */
function scanSql(sql: string, placeholder: (offset: number) => void): void {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      i = quotedEnd(sql, i, c);
    } else if (sql.startsWith('--', i)) {
      i = lineEnd(sql, i);
    } else if (sql.startsWith('/*', i)) {
      i = blockEnd(sql, i);
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i))?.[0];
      if (tag === undefined || /[\w$]/.test(sql[i - 1] ?? '')) {
        i++;
      } else {
        const end = sql.indexOf(tag, i + tag.length);
        i = end === -1 ? sql.length : end + tag.length;
      }
    } else {
      if (c === '?') placeholder(i);
      i++;
    }
  }
}

/** The offset after a quoted string or identifier starting at `from` (a doubled quote escapes it). */
function quotedEnd(sql: string, from: number, quote: string): number {
  let i = from + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return sql.length;
}
