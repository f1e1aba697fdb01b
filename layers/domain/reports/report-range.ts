/** The date range of a report request: two local dates, in order, at most three years apart. */
import { ValidationError } from '../errors.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 3 * 366;

export function reportRange(query: Readonly<Record<string, string | undefined>>): {
  from: string;
  to: string;
} {
  const problems: { path: string; message: string }[] = [];
  const date = (field: 'from' | 'to'): string => {
    const value = query[field];
    if (value === undefined || !DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
      problems.push({ path: field, message: `${field} must be a date, yyyy-mm-dd` });
      return '';
    }
    // Date.parse rolls 2026-02-30 over to March: a date must read back the same.
    if (new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value)
      problems.push({ path: field, message: `${field} is not a real date` });
    return value;
  };
  const from = date('from');
  const to = date('to');
  if (problems.length === 0) {
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (days < 0) problems.push({ path: 'to', message: 'to must not be before from' });
    else if (days > MAX_DAYS) problems.push({ path: 'to', message: 'the range may cover at most 3 years' });
  }
  if (problems.length > 0) throw new ValidationError(problems.map((p) => p.message).join('; '), problems);
  return { from, to };
}
