import { describe, expect, it } from 'vitest';
import { demoFlow } from '../../infra/local/demo/demo-flow.ts';
import { validateFlow } from '../../layers/domain/flows/validate-flow.ts';

const say = (text: string) => ({ say: { 'en-US': text } });
const base = (nodes: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  name: 'test',
  languages: ['en-US'],
  start: 'a',
  nodes,
  ...extra,
});
const problemsOf = (doc: unknown) => {
  const check = validateFlow(doc);
  return check.ok ? [] : check.problems;
};

describe('flow validation', () => {
  it('accepts the demo flow and fills defaults', () => {
    const check = validateFlow(
      demoFlow({ orderServiceUrl: 'http://127.0.0.1:3000/_demo', operatorNumber: '+12065550111' }),
    );
    expect(check.ok).toBe(true);
    const minimal = validateFlow(
      base({
        a: { type: 'menu', prompt: say('hi'), options: { '1': 'b' }, exhausted: 'b' },
        b: { type: 'hangup' },
      }),
    );
    expect(minimal.ok && minimal.flow.nodes.a).toMatchObject({ timeoutSeconds: 5, attempts: 3 });
  });

  it('names the path of every shape problem', () => {
    const problems = problemsOf(
      base({
        a: { type: 'menu', prompt: say('hi'), options: { '12': 'b' }, exhausted: 'b' },
        b: {
          type: 'collect',
          prompt: {},
          attribute: '1bad',
          next: 'c',
          exhausted: 'c',
          minDigits: 4,
          maxDigits: 2,
        },
        c: { type: 'teleport' },
        d: { type: 'lookup', url: 'ftp://x', resultPrefix: 'r', next: 'c', fallback: 'c' },
      }),
    );
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'nodes.a.options.12',
        'nodes.b.prompt',
        'nodes.b.attribute',
        'nodes.b.maxDigits',
        'nodes.c.type',
        'nodes.d.url',
      ]),
    );
    expect(problems.find((p) => p.path === 'nodes.b.prompt')?.message).toMatch(
      /exactly one of "say" or "audio"/,
    );
  });

  it('finds missing targets, unreachable nodes and a missing start', () => {
    expect(problemsOf(base({ b: { type: 'hangup' } }))).toEqual([
      { path: 'start', message: "'a' is not a node of this flow" },
    ]);
    const problems = problemsOf(
      base({
        a: { type: 'menu', prompt: say('hi'), options: { '1': 'nowhere' }, exhausted: 'b' },
        b: { type: 'hangup' },
      }),
    );
    expect(problems).toEqual([
      { path: 'nodes.a.options.1', message: "goes to 'nowhere', which is not a node of this flow" },
    ]);
    expect(problemsOf(base({ a: { type: 'hangup' }, orphan: { type: 'hangup' } }))).toEqual([
      { path: 'nodes.orphan', message: "cannot be reached from start 'a'" },
    ]);
  });

  it('refuses a loop with no way out, and accepts a loop that has one', () => {
    const trapped = problemsOf(
      base({
        a: { type: 'play', prompt: say('one'), next: 'b' },
        b: { type: 'setAttribute', values: { x: '1' }, next: 'a' },
      }),
    );
    expect(trapped.map((p) => p.path).sort()).toEqual(['nodes.a', 'nodes.b']);
    expect(trapped[0]?.message).toMatch(/loop with no way out \(a → b → a\)/);
    const escapable = problemsOf(
      base({
        a: { type: 'menu', prompt: say('again?'), options: { '1': 'a', '2': 'b' }, exhausted: 'b' },
        b: { type: 'hangup' },
      }),
    );
    expect(escapable).toEqual([]);
  });

  it('wants every prompt in every language of the flow, and no other', () => {
    const problems = problemsOf(
      base(
        {
          a: { type: 'play', prompt: { say: { 'en-US': 'hi', 'fr-FR': 'salut' } }, next: 'b' },
          b: { type: 'setLanguage', language: 'de-DE', next: 'c' },
          c: { type: 'hangup' },
        },
        { languages: ['en-US', 'cmn-CN'] },
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'nodes.a.prompt.say', message: 'has nothing for cmn-CN, a language of this flow' },
        {
          path: 'nodes.a.prompt.say.fr-FR',
          message: expect.stringMatching(/not one of the flow's languages/),
        },
        {
          path: 'nodes.b.language',
          message: expect.stringMatching(/de-DE is not one of the flow's languages/),
        },
      ]),
    );
  });

  it('checks time zones, opening hours, patterns and placeholders', () => {
    const problems = problemsOf(
      base({
        a: {
          type: 'hours',
          timezone: 'Mars/Olympus',
          weekly: { mon: [['18:00', '09:00']] },
          holidays: ['Christmas'],
          open: 'b',
          closed: 'b',
        },
        b: {
          type: 'collect',
          prompt: say('Your {{name'),
          attribute: 'x',
          pattern: '([',
          next: 'c',
          exhausted: 'c',
        },
        c: { type: 'hangup' },
      }),
    );
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        'nodes.a.timezone',
        'nodes.a.weekly.mon[0]',
        'nodes.a.holidays[0]',
        'nodes.b.prompt.say.en-US',
        'nodes.b.pattern',
      ]),
    );
  });

  it('refuses patterns that could backtrack, placeholders in a lookup host, unknown voices and spoken secrets', () => {
    const problems = problemsOf(
      base(
        {
          a: {
            type: 'collect',
            prompt: say('Card?'),
            attribute: 'card',
            pattern: '^(\\d)\\1$',
            sensitive: true,
            next: 'look',
            exhausted: 'c',
          },
          look: {
            type: 'lookup',
            url: 'https://{{host}}/cards/{{card}}',
            resultPrefix: 'r',
            next: 'c',
            fallback: 'c',
          },
          c: { type: 'hangup', prompt: say('Your card {{card}}.') },
        },
        { voices: { 'en-US': 'Zhiyu' } },
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'nodes.a.pattern', message: expect.stringMatching(/RE2/) },
        { path: 'nodes.look.url', message: 'may use {{placeholders}} only after the host' },
      ]),
    );
    const shapeOk = problemsOf(
      base(
        {
          a: {
            type: 'collect',
            prompt: say('Card?'),
            attribute: 'card',
            sensitive: true,
            next: 'look',
            exhausted: 'c',
          },
          look: {
            type: 'lookup',
            url: 'https://pay.example.com/cards/{{card}}',
            resultPrefix: 'r',
            next: 'c',
            fallback: 'c',
          },
          c: { type: 'hangup', prompt: say('Your card {{card}}.') },
        },
        { voices: { 'en-US': 'Zhiyu' } },
      ),
    );
    expect(shapeOk).toEqual(
      expect.arrayContaining([
        { path: 'voices.en-US', message: 'Zhiyu is not a Polly voice for en-US' },
        { path: 'nodes.c.prompt.say.en-US', message: 'speaks a sensitive attribute' },
        { path: 'nodes.look.url', message: expect.stringMatching(/sensitive attribute in a URL/) },
      ]),
    );
    expect(problemsOf(base({ a: { type: 'hangup' } }, { languages: ['sw-KE'] }))).toEqual([
      { path: 'languages', message: 'no default Polly voice speaks sw-KE: name one in voices.sw-KE' },
    ]);
  });

  it('refuses a document too big to store', () => {
    const nodes: Record<string, unknown> = { a: { type: 'hangup' } };
    const text = 'x'.repeat(1000);
    for (let i = 0; i < 199; i++)
      nodes[`n${i}`] = { type: 'play', prompt: { say: { 'en-US': text, 'es-US': text } }, next: 'a' };
    expect(problemsOf(base(nodes, { languages: ['en-US', 'es-US'] }))[0]).toEqual({
      path: '(document)',
      message: expect.stringMatching(/^is \d+ bytes; a flow may have 300000$/),
    });
  });
});
