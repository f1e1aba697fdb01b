/**
 * Conformance of the SIP media application engine to shared/specs/chime-sma-protocol.md §9, driven by a
 * stand-in handler and virtual PSTN phones, with prompts and recordings in the local cloud's S3.
 */
import { describe, expect, it } from 'vitest';
import { createRig, legA, respond, types, waitForEvent } from '../../support/sma-rig.ts';

const speak = (callId: string, text: string) => ({
  Type: 'Speak',
  Parameters: { CallId: callId, Text: text },
});

describe('event envelope and sequence (checklist 1, 2)', () => {
  it('sends NEW_INBOUND_CALL with Sequence 1, no attributes, no status before answer, and the SIP rule', async () => {
    const rig = createRig();
    rig.handle((e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? respond([speak(legA(e), 'Hello'), { Type: 'Hangup', Parameters: {} }])
        : respond(),
    );
    const call = rig.pstn.dial({ from: '+14255550123', to: rig.number });
    await call.waitFor('ended');
    const first = rig.events[0];
    expect(first?.SchemaVersion).toBe('1.0');
    expect(first?.Sequence).toBe(1);
    expect(first?.InvocationEventType).toBe('NEW_INBOUND_CALL');
    expect(first?.ActionData).toBeUndefined();
    expect(first?.CallDetails).not.toHaveProperty('TransactionAttributes');
    expect(first?.CallDetails.SipRuleId).toBe('rule-1');
    expect(first?.CallDetails.AwsRegion).toBe('us-east-1');
    const participant = first?.CallDetails.Participants[0];
    expect(participant).toMatchObject({
      ParticipantTag: 'LEG-A',
      To: rig.number,
      From: '+14255550123',
      Direction: 'Inbound',
    });
    expect(participant).not.toHaveProperty('Status');
    expect(typeof participant?.StartTimeInMilliseconds).toBe('string');
    expect(call.heard.map((h) => h.kind === 'speech' && h.text)).toEqual(['Hello']);
    // Hangup on a single-leg call: HANGUP, never ACTION_SUCCESSFUL (checklist 3).
    await waitForEvent(rig, (e) => e.InvocationEventType === 'HANGUP');
    expect(types(rig)).toEqual(['NEW_INBOUND_CALL', 'HANGUP(Hangup)']);
    expect(rig.events.map((e) => e.Sequence)).toEqual([1, 2]);
  });
});

const pause = (ms: number | string, extra: Record<string, unknown> = {}) => ({
  Type: 'Pause',
  Parameters: { DurationInMilliseconds: ms, ...extra },
});
const menu = (callId: string, extra: Record<string, unknown> = {}) => ({
  Type: 'SpeakAndGetDigits',
  Parameters: {
    CallId: callId,
    SpeechParameters: { Text: 'Press 1 for sales' },
    FailureSpeechParameters: { Text: 'Sorry' },
    MinNumberOfDigits: 1,
    MaxNumberOfDigits: 1,
    Repeat: 2,
    RepeatDurationInMilliseconds: 3000,
    ...extra,
  },
});
const caller = '+14255550123';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('action lists (checklist 3)', () => {
  it('reports only the last action of a list of non-reporting actions', async () => {
    const rig = createRig();
    const audio = await rig.prompt(1000);
    rig.handle((e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? respond([pause('200'), { Type: 'PlayAudio', Parameters: { AudioSource: audio } }])
        : respond(),
    );
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    const done = await waitForEvent(rig, (e) => e.InvocationEventType === 'ACTION_SUCCESSFUL');
    expect(types(rig)).toEqual(['NEW_INBOUND_CALL', 'ACTION_SUCCESSFUL(PlayAudio)']);
    // Echo normalisation: the resolved leg and the defaults are filled in.
    expect(done.ActionData?.Parameters).toMatchObject({
      CallId: legA(done),
      ParticipantTag: 'LEG-A',
      Repeat: 1,
    });
    expect(done.CallDetails.Participants[0]?.Status).toBe('Connected');
    expect(call.state).toBe('connected');
    call.hangup();
  });

  it('reports a mid-list SpeakAndGetDigits at once; an empty reply lets the rest of the list run', async () => {
    const rig = createRig();
    rig.handle((e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? respond([menu(legA(e)), speak(legA(e), 'Goodbye')])
        : respond(),
    );
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitToHear(/Press 1/);
    await call.press('1');
    await call.waitToHear(/Goodbye/);
    await waitForEvent(rig, (e) => e.ActionData?.Type === 'Speak');
    expect(types(rig)).toEqual([
      'NEW_INBOUND_CALL',
      'ACTION_SUCCESSFUL(SpeakAndGetDigits)',
      'ACTION_SUCCESSFUL(Speak)',
    ]);
    expect(rig.events[1]?.ActionData?.ReceivedDigits).toBe('1');
    call.hangup();
  });

  it('replaces the rest of the list with the reply to a mid-list report', async () => {
    const rig = createRig();
    rig.handle((e) => {
      if (e.InvocationEventType === 'NEW_INBOUND_CALL')
        return respond([menu(legA(e)), speak(legA(e), 'Never said')]);
      if (e.ActionData?.Type === 'SpeakAndGetDigits')
        return respond([speak(legA(e), 'Connecting you to sales')]);
      return respond();
    });
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitToHear(/Press 1/);
    await call.press('1');
    await call.waitToHear(/sales/);
    await waitForEvent(rig, (e) => e.ActionData?.Type === 'Speak');
    expect(call.heard.map((h) => (h.kind === 'speech' ? h.text : h.kind))).not.toContain('Never said');
    call.hangup();
  });

  it('fails an action with the documented error, discarding the rest of the list', async () => {
    const rig = createRig();
    rig.handle((e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? respond([
            {
              Type: 'PlayAudio',
              Parameters: { AudioSource: { Type: 'S3', BucketName: rig.bucket, Key: 'missing.wav' } },
            },
            speak(legA(e), 'Never said'),
          ])
        : respond(),
    );
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    const failed = await waitForEvent(rig, (e) => e.InvocationEventType === 'ACTION_FAILED');
    expect(failed.ActionData).toMatchObject({
      Type: 'PlayAudio',
      ErrorType: 'InvalidAudioSource',
      ErrorMessage: 'Cannot access S3 bucket or audio file.',
    });
    await sleep(50);
    expect(call.heard).toEqual([]);
    call.hangup();
  });

  it('rejects a prompt in the wrong format (stereo 16 kHz) as an invalid audio source', async () => {
    const rig = createRig();
    const stereo = await rig.prompt(500, { sampleRate: 16000, channels: 2 });
    rig.handle((e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? respond([{ Type: 'PlayAudio', Parameters: { AudioSource: stereo } }])
        : respond(),
    );
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    const failed = await waitForEvent(rig, (e) => e.InvocationEventType === 'ACTION_FAILED');
    expect(failed.ActionData).toMatchObject({
      ErrorType: 'InvalidAudioSource',
      ErrorMessage: 'Audio Source parameter value is invalid.',
    });
    call.hangup();
  });
});

describe('parameter validation (checklist 9)', () => {
  it('names the documented errors and accepts numeric strings', async () => {
    const rig = createRig();
    const cases: [object, Record<string, unknown>][] = [];
    let step = 0;
    const plan = (e: Parameters<Parameters<typeof rig.handle>[0]>[0]) => {
      const callId = legA(e);
      return [
        [
          { Type: 'Speak', Parameters: { Text: 'no call id' } },
          { ErrorType: 'MissingRequiredActionParameter' },
        ],
        [
          { Type: 'Speak', Parameters: { CallId: callId, Text: 'x'.repeat(1001) } },
          { ErrorMessage: 'Text is limited to 1,000 characters' },
        ],
        [
          {
            Type: 'SendDigits',
            Parameters: { CallId: callId, Digits: '123', ToneDurationInMilliseconds: 10 },
          },
          { ErrorType: 'InvalidActionParameter', ErrorMessage: 'ToneDuration parameter value is invalid.' },
        ],
        [
          { Type: 'Pause', Parameters: { CallId: 'not-a-leg', DurationInMilliseconds: 10 } },
          { ErrorMessage: 'CallId or ParticipantTag parameter for action is invalid.' },
        ],
        [
          { Type: 'CallAndBridge', Parameters: { CallerIdNumber: '+15550000000', Endpoints: [] } },
          { ErrorMessage: 'Invalid number of endpoints provided.' },
        ],
      ] as const;
    };
    rig.handle((e) => {
      const steps = plan(e);
      if (e.InvocationEventType === 'ACTION_FAILED')
        cases.push([e.ActionData ?? {}, steps[step - 1]?.[1] ?? {}]);
      const next = steps[step++];
      return next === undefined ? respond([{ Type: 'Hangup', Parameters: {} }]) : respond([next[0]]);
    });
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitFor('ended');
    expect(cases).toHaveLength(5);
    for (const [actual, expected] of cases) expect(actual).toMatchObject(expected);
  });

  it('accepts numbers as strings, ignores unknown keys, and echoes numbers', async () => {
    const rig = createRig();
    rig.handle((e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? respond([pause('100', { SomethingElse: true, ParticipantTag: '' })])
        : respond(),
    );
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    const done = await waitForEvent(rig, (e) => e.InvocationEventType === 'ACTION_SUCCESSFUL');
    expect(done.ActionData?.Parameters).toMatchObject({
      DurationInMilliseconds: 100,
      ParticipantTag: 'LEG-A',
    });
    call.hangup();
  });
});

describe('invalid responses and transaction attributes (checklist 7, 8)', () => {
  it('keeps, replaces and clears attributes; rejects 11 pairs with TransactionAttributesInvalidMapSize', async () => {
    const rig = createRig();
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']));
    const replies = [
      respond([pause(10)], { a: '1', b: '2' }), // store
      respond([pause(10)]), // keep (absent)
      respond([pause(10)], null), // keep (null)
      respond([pause(10)], { c: '3' }), // replace
      respond([pause(10)], eleven), // rejected: nothing applied
      respond([pause(10)], {}), // clear
      respond([{ Type: 'Hangup', Parameters: {} }]),
    ];
    let i = 0;
    rig.handle(() => replies[Math.min(i++, replies.length - 1)]);
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitFor('ended');
    await waitForEvent(rig, (e) => e.InvocationEventType === 'HANGUP');
    const seen = rig.events.map((e) => e.CallDetails.TransactionAttributes);
    expect(seen.slice(0, 7)).toEqual([
      undefined,
      { a: '1', b: '2' },
      { a: '1', b: '2' },
      { a: '1', b: '2' },
      { c: '3' },
      { c: '3' },
      undefined,
    ]);
    const invalid = rig.events[5];
    expect(invalid?.InvocationEventType).toBe('INVALID_LAMBDA_RESPONSE');
    expect(invalid?.ErrorType).toBe('TransactionAttributesInvalidMapSize');
    expect(invalid?.ErrorMessage).toBe(
      'Transaction Attributes has too many mappings. Maximum number of mappings is 10',
    );
    expect(invalid?.ActionData).toBeUndefined();
  });

  it('answers more than 10 actions or an unknown action type with INVALID_LAMBDA_RESPONSE', async () => {
    const rig = createRig();
    let i = 0;
    rig.handle(() => {
      i += 1;
      if (i === 1) return respond(Array.from({ length: 11 }, () => pause(10)));
      if (i === 2) return respond([{ Type: 'Answer', Parameters: {} }]);
      return respond([{ Type: 'Hangup', Parameters: {} }]);
    });
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitFor('ended');
    expect(types(rig).slice(0, 3)).toEqual([
      'NEW_INBOUND_CALL',
      'INVALID_LAMBDA_RESPONSE',
      'INVALID_LAMBDA_RESPONSE',
    ]);
    expect(rig.events[1]?.ErrorType).toBe('Emulator:TooManyActions');
    expect(rig.events[2]?.ErrorType).toBe('Emulator:UnknownActionType');
    // Nothing of the rejected responses ran: the call was never answered before the Hangup rejected it.
    expect(call.connectedAt).toBeUndefined();
  });
});

describe('invocation timing (checklist 8)', () => {
  it('retries a slow invocation after 5 s with the same payload; both copies run', async () => {
    const rig = createRig();
    let calls = 0;
    rig.handle(async (e) => {
      calls += 1;
      if (calls === 1) await sleep(150); // 7.5 emulated seconds: past the 5 s deadline
      return e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? respond([speak(legA(e), `copy ${calls}`)])
        : respond();
    });
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitToHear(/copy/);
    await sleep(200);
    expect(rig.events[0]).toEqual(rig.events[1]);
    expect(rig.events[0]?.Sequence).toBe(1);
    // The retry's answer is the one used; the late first copy is discarded.
    expect(call.heard.filter((h) => h.kind === 'speech').map((h) => h.kind === 'speech' && h.text)).toEqual([
      'copy 2',
    ]);
    call.hangup();
  });

  it('hangs the call up with 480 when the handler gives no answer within 20 s', async () => {
    const rig = createRig();
    rig.directory.route(rig.number, ['us-east-1']);
    rig.handle((e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL' ? respond([pause(10)]) : new Promise(() => undefined),
    );
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    const started = Date.now();
    await call.waitFor('ended', 5_000);
    expect(call.endReason).toMatchObject({ by: 'network', sipCode: 480 });
    // 20 emulated seconds at 1/50 speed: 0.4 s (generous bound for a loaded machine).
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('SIP rule failover (checklist 11)', () => {
  it('sends the call to the next region when the first is down', async () => {
    const rig = createRig();
    rig.regionsDown.add('us-east-1');
    rig.handle((e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? respond([speak(legA(e), e.CallDetails.AwsRegion)])
        : respond(),
    );
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitToHear(/us-west-2/);
    expect(rig.events[0]?.CallDetails.AwsRegion).toBe('us-west-2');
    expect(rig.events[0]?.CallDetails.SipMediaApplicationId).toBe('sma-us-west-2');
    call.hangup();
  });

  it("fails over when the first region's handler keeps failing", async () => {
    const rig = createRig();
    rig.handle((e) => {
      if (e.CallDetails.AwsRegion === 'us-east-1') throw new Error('boom');
      return e.InvocationEventType === 'NEW_INBOUND_CALL' ? respond([speak(legA(e), 'west')]) : respond();
    });
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitToHear(/west/);
    expect(rig.events.map((e) => e.CallDetails.AwsRegion)).toEqual(['us-east-1', 'us-east-1', 'us-west-2']);
    call.hangup();
  });
});
