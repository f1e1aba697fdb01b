/** Parsing input with a zod schema into a ValidationError that lists every problem with its path. */
import type { z } from 'zod';
import { ValidationError } from './errors.ts';

export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => ({
    path: i.path.join('.') || '(document)',
    message: i.message,
  }));
  throw new ValidationError(
    `the ${what} has ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
    problems,
  );
}
