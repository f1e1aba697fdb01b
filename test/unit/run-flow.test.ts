import { describe, expect, it } from 'vitest';
import { demoFlow } from '../../infra/local/demo/demo-flow.ts';
import type { FlowDocument } from '../../layers/domain/flows/flow-document.ts';
import {
  advanceFlow,
  type FlowContext,
  type FlowEvent,
  FlowRuntimeError,
  type FlowTurn,
} from '../../layers/domain/flows/run-flow.ts';
import { validateFlow } from '../../layers/domain/flows/validate-flow.ts';

const flow = demoFlow({ orderServiceUrl: 'http://orders.test/api', operatorNumber: '+12065550111' });
const weekday = new Date('2026-11-24T18:00:00Z');
const context = (attributes: Record<string, string> = {}, now = weekday): FlowContext => ({
  now,
  caller: '+14255550123',
  dialled: '+12065550100',
  attributes,
});

/** Plays a call: each event advances from the previous turn, as call control does. */
function call(events: FlowEvent[], now = weekday, doc: FlowDocument = flow): FlowTurn[] {
  const turns: FlowTurn[] = [];
  let last: FlowTurn | undefined;
  for (const event of [{ kind: 'start' } as FlowEvent, ...events]) {
    last = advanceFlow(doc, last?.position, event, context(last?.attributes ?? {}, now));
    turns.push(last);
  }
  return turns;
}
const spoken = (turn: FlowTurn | undefined) =>
  (turn?.steps ?? []).map((s) =>
    s.kind === 'say'
      ? s.text
      : s.kind === 'ask' && s.prompt.kind === 'say'
        ? `ask: ${s.prompt.text}`
        : s.kind,
  );

describe('the flow interpreter', () => {
  it('welcomes and asks the main menu in one turn', () => {
    const [first] = call([]);
    expect(spoken(first)).toEqual([
      'Welcome to the Openline demo shop.',
      expect.stringMatching(/^ask: For sales, press 1/),
    ]);
    expect(first?.position).toEqual({ node: 'main', language: 'en-US', attempt: 1, awaiting: 'input' });
    expect(first?.steps[1]).toMatchObject({ kind: 'ask', minDigits: 1, maxDigits: 1, timeoutMs: 5000 });
  });

  it('sends 1 to the sales queue', () => {
    const turns = call([{ kind: 'input', digits: '1' }]);
    expect(turns[1]?.steps).toEqual([
      {
        kind: 'say',
        text: 'Thank you. Connecting you to sales.',
        language: 'en-US',
        voice: 'Joanna',
        engine: 'neural',
      },
      { kind: 'hold', queue: 'sales', priority: 0, skills: {}, music: undefined },
    ]);
    expect(turns[1]?.position.awaiting).toBe('queue');
    // Hold music that runs out is started again.
    const again = advanceFlow(flow, turns[1]?.position, { kind: 'holdEnded' }, context());
    expect(again.steps).toEqual([
      { kind: 'hold', queue: 'sales', priority: 0, skills: {}, music: undefined },
    ]);
  });

  it('says why and asks again after a wrong key or silence, then gives up to the operator', () => {
    const turns = call([{ kind: 'input', digits: '7' }, { kind: 'noInput' }, { kind: 'input', digits: '5' }]);
    expect(spoken(turns[1])).toEqual([
      'Sorry, that is not one of the choices.',
      expect.stringMatching(/^ask: For sales/),
    ]);
    expect(turns[1]?.position.attempt).toBe(2);
    expect(spoken(turns[2])).toEqual([
      'Sorry, I did not hear a choice.',
      expect.stringMatching(/^ask: For sales/),
    ]);
    expect(turns[2]?.position.attempt).toBe(3);
    expect(spoken(turns[3])).toEqual([
      'Sorry, that is not one of the choices.',
      'Please hold while I connect you to the operator.',
      'transfer',
    ]);
    expect(turns[3]?.steps.at(-1)).toEqual({
      kind: 'transfer',
      number: '+12065550111',
      callerId: 'tenant',
      timeoutSeconds: 20,
    });
  });

  it('switches the rest of the call to Mandarin with its own voice', () => {
    const turns = call([
      { kind: 'input', digits: '9' },
      { kind: 'input', digits: '2' },
    ]);
    expect(turns[1]?.steps[0]).toMatchObject({
      kind: 'ask',
      prompt: { kind: 'say', language: 'cmn-CN', voice: 'Zhiyu', text: expect.stringMatching(/^销售请按1/) },
    });
    expect(turns[2]?.steps[0]).toEqual({
      kind: 'say',
      text: '谢谢。正在为您转接技术支持。',
      language: 'cmn-CN',
      voice: 'Zhiyu',
      engine: 'neural',
    });
  });

  it('collects an order number, looks it up, and speaks the answer', () => {
    const turns = call([
      { kind: 'input', digits: '3' },
      { kind: 'input', digits: '123' },
      { kind: 'input', digits: '12345' },
    ]);
    expect(turns[2]?.steps).toEqual([
      {
        kind: 'say',
        text: 'That is not a five digit order number.',
        language: 'en-US',
        voice: 'Joanna',
        engine: 'neural',
      },
      expect.objectContaining({ kind: 'ask', maxDigits: 5, terminator: '#', timeoutMs: 8000 }),
    ]);
    const lookup = turns[3];
    expect(lookup?.lookup).toEqual({
      url: 'http://orders.test/api/orders/12345',
      method: 'GET',
      body: undefined,
      timeoutMs: 1500,
    });
    expect(lookup?.attributes).toEqual({ orderNumber: '12345' });
    const answered = advanceFlow(
      flow,
      lookup?.position,
      {
        kind: 'lookupDone',
        result: { ok: true, values: { status: 'shipped', detail: 'It will arrive on Friday.' } },
      },
      context(lookup?.attributes),
    );
    expect(spoken(answered)).toEqual([
      'Order 12345 is shipped. It will arrive on Friday.',
      expect.stringMatching(/^ask: To speak with support/),
    ]);
    expect(answered.attributes).toMatchObject({ 'order.status': 'shipped' });

    const failed = advanceFlow(
      flow,
      lookup?.position,
      { kind: 'lookupDone', result: { ok: false, reason: 'timeout' } },
      context(lookup?.attributes),
    );
    expect(spoken(failed)).toEqual([
      'Sorry, we could not find that order right now.',
      'Thank you. Connecting you to support.',
      'hold',
    ]);
    expect(failed.attributes['order.error']).toBe('timeout');
  });

  it('takes a message when closed, and after a transfer nobody answers', () => {
    const christmas = new Date('2026-12-25T20:00:00Z');
    const turns = call([{ kind: 'voicemailSaved', location: 's3://rec/vm.wav' }], christmas);
    expect(spoken(turns[0])).toEqual([
      'Welcome to the Openline demo shop.',
      expect.stringMatching(/^We are closed today/),
      'record',
    ]);
    expect(spoken(turns[1])).toEqual(['Thank you for calling. Goodbye.', 'hangup']);
    expect(turns[1]?.attributes['voicemail.location']).toBe('s3://rec/vm.wav');
    expect(turns[1]?.position.awaiting).toBe('end');

    const operator = call([{ kind: 'input', digits: '0' }, { kind: 'transferFailed' }]);
    expect(spoken(operator[2])).toEqual([expect.stringMatching(/operator is not available/), 'record']);
  });

  it('skips a prompt that failed to play and asks again, without repeating the failed prompt', () => {
    const [first] = call([]);
    const again = advanceFlow(flow, first?.position, { kind: 'promptFailed' }, context());
    expect(spoken(again)).toEqual([expect.stringMatching(/^ask: For sales/)]);
    expect(again.position).toEqual(first?.position);
    const queued = call([{ kind: 'input', digits: '2' }]);
    const hold = advanceFlow(flow, queued[1]?.position, { kind: 'promptFailed' }, context());
    expect(hold.steps).toEqual([
      { kind: 'hold', queue: 'support', priority: 0, skills: {}, music: undefined },
    ]);
  });

  it('never takes a menu key for the terminator', () => {
    const check = validateFlow({
      schemaVersion: 1,
      name: 'hash',
      languages: ['en-US'],
      start: 'm',
      nodes: {
        m: {
          type: 'menu',
          prompt: { say: { 'en-US': 'Press pound.' } },
          options: { '#': 'bye' },
          exhausted: 'bye',
        },
        bye: { type: 'hangup' },
      },
    });
    if (!check.ok) throw new Error(JSON.stringify(check.problems));
    const [first] = call([], weekday, check.flow);
    expect(first?.steps[0]).toMatchObject({ kind: 'ask', terminator: '*' });
    expect(call([], weekday, flow)[0]?.steps[1]).toMatchObject({ kind: 'ask', terminator: '#' });
  });

  it('counts the steps before a lookup, so a turn stays within the SMA action limit', () => {
    const nodes: Record<string, unknown> = {};
    for (let i = 0; i < 6; i++)
      nodes[`a${i}`] = {
        type: 'play',
        prompt: { say: { 'en-US': `a${i}` } },
        next: i < 5 ? `a${i + 1}` : 'look',
      };
    nodes.look = {
      type: 'lookup',
      url: 'https://x.example/y',
      resultPrefix: 'r',
      next: 'b0',
      fallback: 'b0',
    };
    for (let i = 0; i < 6; i++)
      nodes[`b${i}`] = {
        type: 'play',
        prompt: { say: { 'en-US': `b${i}` } },
        next: i < 5 ? `b${i + 1}` : 'menu',
      };
    nodes.menu = {
      type: 'menu',
      prompt: { say: { 'en-US': 'm' } },
      options: { '1': 'bye' },
      exhausted: 'bye',
    };
    nodes.bye = { type: 'hangup' };
    const check = validateFlow({ schemaVersion: 1, name: 'long', languages: ['en-US'], start: 'a0', nodes });
    if (!check.ok) throw new Error(JSON.stringify(check.problems));
    const before = advanceFlow(check.flow, undefined, { kind: 'start' }, context());
    expect(before.steps).toHaveLength(6);
    const after = advanceFlow(
      check.flow,
      before.position,
      { kind: 'lookupDone', result: { ok: true, values: {} } },
      { ...context(), stepsBefore: before.steps.length },
    );
    expect(before.steps.length + after.steps.length).toBeLessThanOrEqual(10);
    expect(after.position).toMatchObject({ awaiting: 'prompts' });
  });

  it('treats built-in object names as attributes nobody set', () => {
    const check = validateFlow({
      schemaVersion: 1,
      name: 'proto',
      languages: ['en-US'],
      start: 'b',
      nodes: {
        b: { type: 'branch', on: 'constructor', cases: [{ op: 'exists', next: 'yes' }], otherwise: 'no' },
        yes: { type: 'hangup', prompt: { say: { 'en-US': 'yes' } } },
        no: { type: 'hangup', prompt: { say: { 'en-US': 'no {{toString}}' } } },
      },
    });
    if (!check.ok) throw new Error(JSON.stringify(check.problems));
    expect(spoken(call([], weekday, check.flow)[0])).toEqual(['no ', 'hangup']);
  });

  it('ignores an event that does not fit where the call is', () => {
    const [first] = call([]);
    const stray = advanceFlow(flow, first?.position, { kind: 'promptsDone' }, context());
    expect(stray).toMatchObject({ ignored: true, steps: [], position: first?.position });
  });

  it('pauses a long chain of prompts within the SMA action limit, and resumes it', () => {
    const nodes: Record<string, unknown> = {};
    for (let i = 0; i < 12; i++)
      nodes[`p${i}`] = { type: 'play', prompt: { say: { 'en-US': `line ${i}` } }, next: `p${i + 1}` };
    nodes.p12 = { type: 'hangup' };
    const check = validateFlow({ schemaVersion: 1, name: 'long', languages: ['en-US'], start: 'p0', nodes });
    if (!check.ok) throw new Error(JSON.stringify(check.problems));
    const [first, second] = call([{ kind: 'promptsDone' }], weekday, check.flow);
    expect(first?.steps).toHaveLength(7);
    expect(first?.position).toMatchObject({ node: 'p7', awaiting: 'prompts' });
    expect(spoken(second)).toEqual(['line 7', 'line 8', 'line 9', 'line 10', 'line 11', 'hangup']);
  });

  it('stops a flow that would spin without ever waiting for the caller', () => {
    const check = validateFlow({
      schemaVersion: 1,
      name: 'spin',
      languages: ['en-US'],
      start: 'check',
      nodes: {
        check: {
          type: 'branch',
          on: 'done',
          cases: [{ op: 'equals', value: 'yes', next: 'bye' }],
          otherwise: 'reset',
        },
        reset: { type: 'setAttribute', values: { done: 'no' }, next: 'check' },
        bye: { type: 'hangup' },
      },
    });
    if (!check.ok) throw new Error('the flow is valid: it has a way out');
    expect(() => call([], weekday, check.flow)).toThrow(FlowRuntimeError);
  });

  it('branches on the caller number and renders placeholders from attributes', () => {
    const check = validateFlow({
      schemaVersion: 1,
      name: 'vip',
      languages: ['en-US'],
      start: 'who',
      nodes: {
        who: {
          type: 'branch',
          on: 'caller',
          cases: [{ op: 'startsWith', value: '+1425', next: 'vip' }],
          otherwise: 'bye',
        },
        vip: {
          type: 'setAttribute',
          values: { tier: 'gold', greeting: 'Hello {{tier}} caller from {{caller}}' },
          next: 'hello',
        },
        hello: { type: 'hangup', prompt: { say: { 'en-US': '{{greeting}}. {{missing}}Bye.' } } },
        bye: { type: 'hangup' },
      },
    });
    if (!check.ok) throw new Error(JSON.stringify(check.problems));
    const [turn] = call([], weekday, check.flow);
    expect(spoken(turn)).toEqual(['Hello gold caller from +14255550123. Bye.', 'hangup']);
  });
});
