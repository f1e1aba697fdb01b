/**
 * Checks a flow document before it is saved or published, and names every problem with the path of the
 * bad field (`nodes.main.options.3`): first the shape (./flow-document.ts), then the graph — every target
 * exists, every node can be reached from `start`, no loop lacks a way out, and every prompt speaks every
 * language of the flow.
 */

import {
  type FlowDocument,
  type FlowNode,
  flowDocumentSchema,
  isExit,
  promptsOf,
  targetsOf,
} from './flow-document.ts';
import { voiceFor } from './polly-voices.ts';

export interface FlowProblem {
  readonly path: string;
  readonly message: string;
}

export type FlowCheck = { ok: true; flow: FlowDocument } | { ok: false; problems: FlowProblem[] };

/** Well under DynamoDB's 400 KB item limit, with room for the version item's other attributes. */
export const MAX_FLOW_BYTES = 300_000;

export function validateFlow(input: unknown): FlowCheck {
  const size = Buffer.byteLength(JSON.stringify(input) ?? '', 'utf8');
  if (size > MAX_FLOW_BYTES)
    return {
      ok: false,
      problems: [{ path: '(document)', message: `is ${size} bytes; a flow may have ${MAX_FLOW_BYTES}` }],
    };
  const parsed = flowDocumentSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({
        path: formatPath(issue.path),
        message: issue.message,
      })),
    };
  }
  const flow = parsed.data;
  const problems = [...languageProblems(flow), ...sensitiveProblems(flow), ...graphProblems(flow)];
  return problems.length === 0 ? { ok: true, flow } : { ok: false, problems };
}

function graphProblems(flow: FlowDocument): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const nodes = new Map(Object.entries(flow.nodes));
  if (!nodes.has(flow.start)) {
    problems.push({ path: 'start', message: `'${flow.start}' is not a node of this flow` });
    return problems;
  }
  for (const [id, node] of nodes) {
    for (const { field, target } of targetsOf(node)) {
      if (!nodes.has(target))
        problems.push({
          path: `nodes.${id}.${field}`,
          message: `goes to '${target}', which is not a node of this flow`,
        });
    }
  }
  const targetsMissing = problems.length > 0;

  const existing = (id: string) =>
    targetsOf(nodes.get(id) as FlowNode)
      .map((t) => t.target)
      .filter((t) => nodes.has(t));
  const reachable = walk([flow.start], existing);
  for (const id of nodes.keys()) {
    if (!reachable.has(id))
      problems.push({ path: `nodes.${id}`, message: `cannot be reached from start '${flow.start}'` });
  }
  // Whether a loop has a way out depends on where the missing targets would go: judge it once they exist.
  if (targetsMissing) return problems;

  // Walk backwards from the exits: a reachable node that no exit can be reached from is trapped in a loop.
  const sources = new Map<string, string[]>();
  for (const [id, node] of nodes) {
    for (const { target } of targetsOf(node)) sources.set(target, [...(sources.get(target) ?? []), id]);
  }
  const exits = [...nodes].filter(([, node]) => isExit(node)).map(([id]) => id);
  const canLeave = walk(exits, (id) => sources.get(id) ?? []);
  for (const id of reachable) {
    if (canLeave.has(id)) continue;
    problems.push({
      path: `nodes.${id}`,
      message: `is in a loop with no way out (${loopFrom(id, nodes, canLeave).join(' → ')}): no path from here reaches hangup, enqueue, transfer or voicemail`,
    });
  }
  return problems;
}

function languageProblems(flow: FlowDocument): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const languages = new Set(flow.languages);
  for (const [id, node] of Object.entries(flow.nodes)) {
    for (const { field, prompt } of promptsOf(node)) {
      const kind = prompt.say !== undefined ? 'say' : 'audio';
      const given = Object.keys(prompt.say ?? prompt.audio ?? {});
      for (const language of flow.languages) {
        if (!given.includes(language))
          problems.push({
            path: `nodes.${id}.${field}.${kind}`,
            message: `has nothing for ${language}, a language of this flow`,
          });
      }
      for (const language of given) {
        if (!languages.has(language))
          problems.push({
            path: `nodes.${id}.${field}.${kind}.${language}`,
            message: `${language} is not one of the flow's languages (${flow.languages.join(', ')})`,
          });
      }
    }
    if (node.type === 'setLanguage' && !languages.has(node.language))
      problems.push({
        path: `nodes.${id}.language`,
        message: `${node.language} is not one of the flow's languages (${flow.languages.join(', ')})`,
      });
  }
  for (const language of Object.keys(flow.voices)) {
    if (!languages.has(language))
      problems.push({
        path: `voices.${language}`,
        message: `${language} is not one of the flow's languages`,
      });
  }
  for (const language of flow.languages) {
    const named = flow.voices[language];
    if (voiceFor(language, named) !== undefined) continue;
    problems.push(
      named === undefined
        ? {
            path: 'languages',
            message: `no default Polly voice speaks ${language}: name one in voices.${language}`,
          }
        : { path: `voices.${language}`, message: `${named} is not a Polly voice for ${language}` },
    );
  }
  return problems;
}

/** A sensitive entry (card digits, a PIN) may be sent to a lookup, never spoken or copied. */
function sensitiveProblems(flow: FlowDocument): FlowProblem[] {
  const sensitive = new Set(
    Object.values(flow.nodes).flatMap((n) => (n.type === 'collect' && n.sensitive ? [n.attribute] : [])),
  );
  if (sensitive.size === 0) return [];
  const problems: FlowProblem[] = [];
  const uses = (text: string) =>
    [...text.matchAll(/\{\{([A-Za-z][A-Za-z0-9_.-]{0,63})\}\}/g)].some((m) => sensitive.has(m[1] as string));
  for (const [id, node] of Object.entries(flow.nodes)) {
    for (const { field, prompt } of promptsOf(node)) {
      for (const [language, text] of Object.entries(prompt.say ?? {})) {
        if (uses(text))
          problems.push({
            path: `nodes.${id}.${field}.say.${language}`,
            message: 'speaks a sensitive attribute',
          });
      }
    }
    if (node.type === 'setAttribute') {
      for (const [name, value] of Object.entries(node.values)) {
        if (uses(value))
          problems.push({ path: `nodes.${id}.values.${name}`, message: 'copies a sensitive attribute' });
      }
    }
    if (node.type === 'lookup' && uses(node.url))
      problems.push({
        path: `nodes.${id}.url`,
        message: 'puts a sensitive attribute in a URL (send it in a POST body)',
      });
  }
  return problems;
}

function walk(from: readonly string[], next: (id: string) => readonly string[]): Set<string> {
  const seen = new Set<string>(from);
  const todo = [...from];
  for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
    for (const n of next(id)) {
      if (!seen.has(n)) {
        seen.add(n);
        todo.push(n);
      }
    }
  }
  return seen;
}

/** The loop a trapped node runs into, for the message: follow trapped targets until one repeats. */
function loopFrom(start: string, nodes: Map<string, FlowNode>, canLeave: Set<string>): string[] {
  const path = [start];
  for (let current = start; path.length <= nodes.size; ) {
    const next = targetsOf(nodes.get(current) as FlowNode).find((t) => !canLeave.has(t.target))?.target;
    if (next === undefined) break;
    path.push(next);
    if (path.indexOf(next) !== path.length - 1) break;
    current = next;
  }
  return path;
}

function formatPath(path: readonly PropertyKey[]): string {
  return (
    path
      .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
      .join('.')
      .replaceAll('.[', '[') || '(document)'
  );
}
