/**
 * Tenant-written regular expressions (input patterns, `matches` branches) run in the call-control
 * handler, so they must never backtrack: they are RE2 expressions (re2js, linear time in the input),
 * compiled once per pattern. RE2 refuses back-references and look-arounds when the flow is saved.
 */
import { RE2JS } from 're2js';

const compiled = new Map<string, RE2JS>();
const MAX_CACHED = 1_000;
/** A subject longer than this is not a key sequence or a short attribute: it never matches. */
const MAX_SUBJECT = 1_000;

export function patternProblem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (error) {
    return `is not a valid pattern (RE2 syntax: no back-references or look-arounds): ${(error as Error).message}`;
  }
}

/** True if the pattern matches somewhere in the subject, like RegExp.test. */
export function matchesPattern(pattern: string, subject: string): boolean {
  if (subject.length > MAX_SUBJECT) return false;
  let re = compiled.get(pattern);
  if (re === undefined) {
    re = RE2JS.compile(pattern);
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(pattern, re);
  }
  return re.matcher(subject).find();
}
