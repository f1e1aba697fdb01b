/**
 * Conformance of the SIP media application engine to shared/specs/chime-sma-protocol.md §9, driven by a
 * stand-in handler and virtual PSTN phones, with prompts and recordings in the local cloud's S3.
 */
import { describe, expect, it } from 'vitest';
import { S3AudioStore } from '../../../infra/local/chime/audio-store.ts';
import { PhoneCall } from '../../../infra/local/chime/virtual-pstn.ts';
import { localCloud } from '../../support/local-cloud.ts';
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

describe('UpdateSipMediaApplicationCall (checklist 4, 5)', () => {
  it('interrupts hold music (PlayAudio) with ACTION_INTERRUPTED and runs the update reply', async () => {
    const rig = createRig();
    const music = await rig.prompt(2000);
    rig.handle((e) => {
      if (e.InvocationEventType === 'NEW_INBOUND_CALL') {
        return respond([{ Type: 'PlayAudio', Parameters: { AudioSource: music, Repeat: 100 } }]);
      }
      if (e.InvocationEventType === 'CALL_UPDATE_REQUESTED')
        return respond([speak(legA(e), 'An agent is ready')]);
      if (e.InvocationEventType === 'ACTION_INTERRUPTED') return respond([speak(legA(e), 'ignored reply')]);
      return respond();
    });
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitToHear(/audio/);
    const tx = rig.events[0]?.CallDetails.TransactionId ?? '';
    rig.engine.updateCall({
      region: 'us-east-1',
      sipMediaApplicationId: 'sma-us-east-1',
      transactionId: tx,
      arguments: { agent: 'a1' },
    });
    await call.waitToHear(/agent is ready/);
    await waitForEvent(rig, (e) => e.ActionData?.Type === 'Speak');
    expect(types(rig)).toEqual([
      'NEW_INBOUND_CALL',
      'CALL_UPDATE_REQUESTED(CallUpdateRequest)',
      'ACTION_INTERRUPTED(PlayAudio)',
      'ACTION_SUCCESSFUL(Speak)',
    ]);
    expect(rig.events[1]?.ActionData?.Parameters).toEqual({ Arguments: { agent: 'a1' } });
    expect(call.heard.filter((h) => h.kind === 'audio')).toHaveLength(1); // hold music stopped at once
    expect(call.heard.some((h) => h.kind === 'speech' && h.text === 'ignored reply')).toBe(false);
    call.hangup();
  });

  it('interrupts a PlayAudio still being prepared (its audio looked up) when the update arrives', async () => {
    // The audio lookup is held until the update has been taken: the abort lands before playback starts.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const store = new S3AudioStore(localCloud().clients.s3);
    const rig = createRig({
      audio: {
        promptDurationMs: async (bucket, key) => {
          await held;
          return store.promptDurationMs(bucket, key);
        },
        putWav: (...args) => store.putWav(...args),
      },
    });
    const music = await rig.prompt(2000);
    rig.handle((e) => {
      if (e.InvocationEventType === 'NEW_INBOUND_CALL')
        return respond([{ Type: 'PlayAudio', Parameters: { AudioSource: music, Repeat: 100 } }]);
      if (e.InvocationEventType === 'CALL_UPDATE_REQUESTED') {
        setTimeout(release, 50);
        return respond([speak(legA(e), 'An agent is ready')]);
      }
      return respond();
    });
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await waitForEvent(rig, (e) => e.InvocationEventType === 'NEW_INBOUND_CALL');
    await new Promise((r) => setTimeout(r, 100));
    rig.engine.updateCall({
      region: 'us-east-1',
      sipMediaApplicationId: 'sma-us-east-1',
      transactionId: rig.events[0]?.CallDetails.TransactionId ?? '',
      arguments: { agent: 'a1' },
    });
    await call.waitToHear(/agent is ready/, 10_000);
    expect(call.heard.filter((h) => h.kind === 'audio')).toHaveLength(0);
    call.hangup();
  });

  it('lets a non-interruptible Speak finish before the update reply runs, without reporting it', async () => {
    const rig = createRig();
    rig.handle((e) => {
      if (e.InvocationEventType === 'NEW_INBOUND_CALL') {
        return respond([
          speak(legA(e), 'A rather long announcement that keeps going'),
          speak(legA(e), 'never'),
        ]);
      }
      if (e.InvocationEventType === 'CALL_UPDATE_REQUESTED') return respond([speak(legA(e), 'after update')]);
      return respond();
    });
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitToHear(/long announcement/);
    rig.engine.updateCall({
      region: 'us-east-1',
      sipMediaApplicationId: 'sma-us-east-1',
      transactionId: rig.events[0]?.CallDetails.TransactionId ?? '',
      arguments: {},
    });
    await call.waitToHear(/after update/);
    expect(call.heard.map((h) => h.kind === 'speech' && h.text)).toEqual([
      'A rather long announcement that keeps going',
      'after update',
    ]);
    expect(types(rig)).not.toContain('ACTION_INTERRUPTED(Speak)');
    call.hangup();
  });

  it('refuses updates for unknown or ended transactions', async () => {
    const rig = createRig();
    expect(() =>
      rig.engine.updateCall({
        region: 'us-east-1',
        sipMediaApplicationId: 'sma-us-east-1',
        transactionId: 'nope',
        arguments: {},
      }),
    ).toThrow(/Transaction not found/);
  });
});

describe('digits (checklist 6 and the digit-collection algorithm)', () => {
  it('arms ReceiveDigits as a one-shot listener and reports DIGITS_RECEIVED on a regex match', async () => {
    const rig = createRig();
    const music = await rig.prompt(3000);
    rig.handle((e) => {
      if (e.InvocationEventType === 'NEW_INBOUND_CALL') {
        return respond([
          {
            Type: 'ReceiveDigits',
            Parameters: {
              InputDigitsRegex: '^\\*\\d{2}$',
              InBetweenDigitsDurationInMilliseconds: 1000,
              FlushDigitsDurationInMilliseconds: 10000,
            },
          },
          { Type: 'PlayAudio', Parameters: { AudioSource: music, Repeat: 10 } },
        ]);
      }
      return respond();
    });
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitToHear(/audio/);
    await call.press('*42');
    const received = await waitForEvent(rig, (e) => e.InvocationEventType === 'DIGITS_RECEIVED');
    expect(received.ActionData).toMatchObject({ Type: 'ReceiveDigits', ReceivedDigits: '*42' });
    await call.press('*43');
    await sleep(100);
    expect(rig.events.filter((e) => e.InvocationEventType === 'DIGITS_RECEIVED')).toHaveLength(1); // one-shot
    call.hangup();
  });

  it('collects digits up to a terminator, which is not part of the result', async () => {
    const rig = createRig();
    rig.handle((e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? respond([menu(legA(e), { MaxNumberOfDigits: 8, MinNumberOfDigits: 3, InputDigitsRegex: '^\\d+$' })])
        : respond(),
    );
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitToHear(/Press 1/);
    await call.press('4711#');
    const done = await waitForEvent(rig, (e) => e.InvocationEventType === 'ACTION_SUCCESSFUL');
    expect(done.ActionData?.ReceivedDigits).toBe('4711');
    call.hangup();
  });

  it('plays the failure prompt after a bad entry and fails after the last attempt', async () => {
    const rig = createRig();
    rig.handle((e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? respond([menu(legA(e), { InputDigitsRegex: '^[12]$' })])
        : respond(),
    );
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitToHear(/Press 1/);
    await call.press('9'); // invalid: failure prompt, then the menu again
    await call.waitToHear(/Sorry/);
    // Second attempt: say nothing and let the 3 s attempt timeout expire.
    const failed = await waitForEvent(rig, (e) => e.InvocationEventType === 'ACTION_FAILED');
    expect(failed.ActionData?.Type).toBe('SpeakAndGetDigits');
    expect(call.heard.map((h) => h.kind === 'speech' && h.text)).toEqual([
      'Press 1 for sales',
      'Sorry',
      'Press 1 for sales',
    ]);
    call.hangup();
  });

  it('ends collection at the inter-digit timeout', async () => {
    const rig = createRig();
    rig.handle((e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? respond([menu(legA(e), { MaxNumberOfDigits: 5, InBetweenDigitsDurationInMilliseconds: 1000 })])
        : respond(),
    );
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitToHear(/Press 1/);
    await call.press('12');
    await sleep(60); // 3 emulated seconds: past the 1 s inter-digit timeout
    await call.press('3');
    const done = await waitForEvent(rig, (e) => e.InvocationEventType === 'ACTION_SUCCESSFUL');
    expect(done.ActionData?.ReceivedDigits).toBe('12');
    call.hangup();
  });
});

describe('hang-ups (checklist 12)', () => {
  it('reports a caller hanging up mid-menu with HANGUP and ends the transaction', async () => {
    const rig = createRig();
    rig.handle((e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? respond([menu(legA(e))])
        : respond([speak(legA(e), 'ignored')]),
    );
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitToHear(/Press 1/);
    call.hangup();
    const hangup = await waitForEvent(rig, (e) => e.InvocationEventType === 'HANGUP');
    expect(hangup.ActionData).toMatchObject({
      Type: 'Hangup',
      Parameters: { SipResponseCode: 0, ParticipantTag: 'LEG-A' },
    });
    expect(hangup.CallDetails.Participants[0]?.Status).toBe('Disconnected');
    await sleep(50);
    expect(types(rig)).toEqual(['NEW_INBOUND_CALL', 'HANGUP(Hangup)']);
    expect(rig.engine.activeCalls).toBe(0);
  });

  it('rejects an unanswered call when Hangup comes first', async () => {
    const rig = createRig();
    rig.handle(() => respond([{ Type: 'Hangup', Parameters: { SipResponseCode: '486' } }]));
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitFor('ended');
    expect(call.connectedAt).toBeUndefined();
    expect(call.endReason?.sipCode).toBe(486);
  });
});

describe('bridging and outbound calls', () => {
  it('bridges the caller to a phone that answers; the callee hanging up reports HANGUP for LEG-B', async () => {
    const rig = createRig();
    const agent = '+12065550142';
    rig.pstn.subscribe(agent, { mode: 'answer', afterMs: 500 });
    rig.handle((e) => {
      if (e.InvocationEventType === 'NEW_INBOUND_CALL') {
        return respond([
          {
            Type: 'CallAndBridge',
            Parameters: {
              CallerIdNumber: rig.number,
              Endpoints: [{ BridgeEndpointType: 'PSTN', Uri: agent }],
            },
          },
        ]);
      }
      if (e.InvocationEventType === 'HANGUP')
        return respond([{ Type: 'Hangup', Parameters: { ParticipantTag: 'LEG-A' } }]);
      return respond();
    });
    let agentCall: import('../../../infra/local/chime/virtual-pstn.ts').PhoneCall | undefined;
    rig.pstn.on(`incoming:${agent}`, (c) => {
      agentCall = c;
    });
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    const bridged = await waitForEvent(rig, (e) => e.ActionData?.Type === 'CallAndBridge');
    expect(bridged.InvocationEventType).toBe('ACTION_SUCCESSFUL');
    expect(bridged.CallDetails.Participants.map((p) => [p.ParticipantTag, p.Status, p.Direction])).toEqual([
      ['LEG-A', 'Connected', 'Inbound'],
      ['LEG-B', 'Connected', 'Outbound'],
    ]);
    call.say('hello agent');
    await agentCall?.waitToHear(/hello agent/);
    agentCall?.hangup();
    const gone = await waitForEvent(rig, (e) => e.InvocationEventType === 'HANGUP');
    expect(gone.ActionData?.Parameters).toMatchObject({ ParticipantTag: 'LEG-B' });
    await call.waitFor('ended');
  });

  it('fails CallAndBridge with CallNotAnswered when the callee is busy, keeping the caller', async () => {
    const rig = createRig();
    rig.pstn.subscribe('+12065550143', { mode: 'busy' });
    rig.handle((e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? respond([
            {
              Type: 'CallAndBridge',
              Parameters: {
                CallerIdNumber: caller,
                Endpoints: [{ BridgeEndpointType: 'PSTN', Uri: '+12065550143' }],
              },
            },
          ])
        : respond(),
    );
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    const failed = await waitForEvent(rig, (e) => e.InvocationEventType === 'ACTION_FAILED');
    expect(failed.ActionData).toMatchObject({ Type: 'CallAndBridge', ErrorType: 'CallNotAnswered' });
    expect(call.state).not.toBe('ended');
    call.hangup();
  });

  it('places an outbound call: NEW_OUTBOUND_CALL and RINGING replies are ignored, CALL_ANSWERED starts the flow', async () => {
    const rig = createRig();
    const customer = '+13125550188';
    rig.pstn.subscribe(customer, { mode: 'answer', afterMs: 1000 });
    rig.handle((e) => {
      if (e.InvocationEventType === 'NEW_OUTBOUND_CALL')
        return respond([speak(legA(e), 'ignored')], { campaign: 'c-42' });
      if (e.InvocationEventType === 'RINGING') return respond([speak(legA(e), 'ignored too')]);
      if (e.InvocationEventType === 'CALL_ANSWERED')
        return respond([speak(legA(e), 'Your order has shipped')]);
      return respond();
    });
    let customerCall: import('../../../infra/local/chime/virtual-pstn.ts').PhoneCall | undefined;
    rig.pstn.on(`incoming:${customer}`, (c) => {
      customerCall = c;
    });
    const { transactionId } = rig.engine.createOutboundCall({
      region: 'us-east-1',
      sipMediaApplicationId: 'sma-us-east-1',
      fromPhoneNumber: rig.number,
      toPhoneNumber: customer,
      argumentsMap: { order: '1234' },
    });
    const answered = await waitForEvent(rig, (e) => e.InvocationEventType === 'CALL_ANSWERED');
    await customerCall?.waitToHear(/shipped/);
    expect(types(rig).slice(0, 3)).toEqual(['NEW_OUTBOUND_CALL', 'RINGING', 'CALL_ANSWERED']);
    expect(rig.events[0]?.ActionData?.Parameters).toEqual({ Arguments: { order: '1234' } });
    expect(rig.events[0]?.CallDetails).not.toHaveProperty('SipRuleId');
    expect(answered.CallDetails.TransactionId).toBe(transactionId);
    expect(answered.CallDetails.TransactionAttributes).toEqual({ campaign: 'c-42' });
    expect(answered.CallDetails.Participants[0]).toMatchObject({
      Direction: 'Outbound',
      To: customer,
      Status: 'Connected',
    });
    expect(customerCall?.heard.map((h) => h.kind === 'speech' && h.text)).toEqual(['Your order has shipped']);
    customerCall?.hangup();
  });
});

describe('recording', () => {
  it('writes RecordAudio to S3 as a WAV at the destination and reports the key and terminator', async () => {
    const rig = createRig();
    rig.handle((e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? respond([
            {
              Type: 'RecordAudio',
              Parameters: {
                DurationInSeconds: 30,
                RecordingTerminators: ['#'],
                RecordingDestination: { Type: 'S3', BucketName: rig.bucket, Prefix: 'voicemail' },
              },
            },
          ])
        : respond(),
    );
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitFor('connected'); // RecordAudio answers the call and records in silence
    await sleep(40); // 2 emulated seconds of message
    expect(call.heard).toEqual([]);
    await call.press('#');
    const done = await waitForEvent(rig, (e) => e.InvocationEventType === 'ACTION_SUCCESSFUL');
    const destination = done.ActionData?.RecordingDestination;
    expect(destination?.Key).toMatch(
      new RegExp(`^voicemail/${done.CallDetails.TransactionId}/[0-9a-f-]+\\.wav$`),
    );
    expect(done.ActionData?.RecordingTerminatorUsed).toBe('#');
    const { clients } = (await import('../../support/local-cloud.ts')).localCloud();
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: rig.bucket, Key: destination?.Key }));
    const bytes = Buffer.from(
      await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
    const { parseWav } = await import('../../../infra/local/chime/audio-store.ts');
    const info = parseWav(bytes);
    expect(info).toMatchObject({ format: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16 });
    expect(info?.durationMs).toBeGreaterThan(1000);
    call.hangup();
  });
});

describe('more actions', () => {
  it('records a call with StartCallRecording: a stereo WAV under the documented key, delivered after the call', async () => {
    const rig = createRig();
    rig.handle((e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? respond([
            pause(100),
            {
              Type: 'StartCallRecording',
              Parameters: {
                CallId: legA(e),
                Track: 'BOTH',
                Destination: { Type: 'S3', Location: `${rig.bucket}/calls` },
              },
            },
            pause(2000),
          ])
        : respond(),
    );
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await waitForEvent(rig, (e) => e.InvocationEventType === 'ACTION_SUCCESSFUL');
    call.hangup();
    await waitForEvent(rig, (e) => e.InvocationEventType === 'HANGUP');
    const tx = rig.events[0]?.CallDetails.TransactionId as string;
    const { clients } = (await import('../../support/local-cloud.ts')).localCloud();
    const { ListObjectsV2Command, HeadObjectCommand } = await import('@aws-sdk/client-s3');
    let key: string | undefined;
    for (let i = 0; i < 50 && key === undefined; i++) {
      const listed = await clients.s3.send(
        new ListObjectsV2Command({ Bucket: rig.bucket, Prefix: 'calls/' }),
      );
      key = listed.Contents?.find((o) => o.Key?.includes(tx))?.Key;
      if (key === undefined) await sleep(20);
    }
    expect(key).toMatch(
      new RegExp(
        `^calls/\\d{4}/\\d{2}/\\d{2}/\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{3}_${tx}_${legA(rig.events[0] as never)}\\.wav$`,
      ),
    );
    const head = await clients.s3.send(new HeadObjectCommand({ Bucket: rig.bucket, Key: key }));
    expect(head.Metadata?.['transaction-id']).toBe(tx);
    expect(Number(head.Metadata?.['recording-duration'])).toBeGreaterThan(1);
  });

  it('stops PlayAudio at a playback terminator, without repeating, and sends DTMF with SendDigits', async () => {
    const rig = createRig();
    const audio = await rig.prompt(3000);
    rig.handle((e) => {
      if (e.InvocationEventType === 'NEW_INBOUND_CALL') {
        return respond([
          { Type: 'PlayAudio', Parameters: { AudioSource: audio, Repeat: 5, PlaybackTerminators: ['#'] } },
          { Type: 'SendDigits', Parameters: { CallId: legA(e), Digits: '12,3' } },
        ]);
      }
      return respond();
    });
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await call.waitToHear(/audio/);
    await call.press('5'); // not a terminator: ignored
    await call.press('#');
    await waitForEvent(rig, (e) => e.InvocationEventType === 'ACTION_SUCCESSFUL');
    expect(types(rig)).toEqual(['NEW_INBOUND_CALL', 'ACTION_SUCCESSFUL(SendDigits)']);
    expect(call.heard.filter((h) => h.kind === 'audio')).toHaveLength(1);
    expect(call.heard.at(-1)).toMatchObject({ kind: 'tones', digits: '12,3' });
    call.hangup();
  });

  it('fails JoinChimeMeeting with the single Error string for a token of no meeting', async () => {
    const rig = createRig();
    const meeting = rig.meetings.createMeeting({ MediaRegion: 'us-east-1', ExternalMeetingId: 'q-1' });
    rig.handle((e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? respond([
            { Type: 'JoinChimeMeeting', Parameters: { JoinToken: 'forged', MeetingId: meeting.MeetingId } },
          ])
        : respond(),
    );
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    const failed = await waitForEvent(rig, (e) => e.InvocationEventType === 'ACTION_FAILED');
    expect(failed.ActionData).toMatchObject({
      Type: 'JoinChimeMeeting',
      Error: expect.stringMatching(/^ErrorJoiningMeeting: /),
    });
    expect(failed.ActionData?.ErrorType).toBeUndefined();
    expect(failed.CallDetails.Participants).toHaveLength(1);
    call.hangup();
  });
});

describe('Chime SDK meetings (JoinChimeMeeting, ModifyChimeMeetingAttendees)', () => {
  it('joins the caller to a meeting as LEG-B: caller and agent hear each other; mute silences the agent', async () => {
    const rig = createRig();
    const meeting = rig.meetings.createMeeting({ MediaRegion: 'us-east-1', ExternalMeetingId: 'call-1' });
    const callerSeat = rig.meetings.createAttendee(meeting.MeetingId, 'caller-leg');
    const agentSeat = rig.meetings.createAttendee(meeting.MeetingId, 'agent-17');
    rig.handle((e) => {
      if (e.InvocationEventType === 'NEW_INBOUND_CALL')
        return respond([
          {
            Type: 'JoinChimeMeeting',
            Parameters: { CallId: legA(e), JoinToken: callerSeat.JoinToken, MeetingId: meeting.MeetingId },
          },
          speak(legA(e), 'not reached: JoinChimeMeeting reports and the reply replaces the rest'),
        ]);
      // The supervisor mutes the agent through UpdateSipMediaApplicationCall.
      if (e.InvocationEventType === 'CALL_UPDATE_REQUESTED')
        return respond([
          {
            Type: 'ModifyChimeMeetingAttendees',
            Parameters: {
              Operation: 'Mute',
              MeetingId: meeting.MeetingId,
              AttendeeList: [agentSeat.AttendeeId],
            },
          },
        ]);
      return respond();
    });
    const agent = new PhoneCall('meeting', 'agent-17', meeting.MeetingId);
    const seat = rig.meetings.join({
      meetingId: meeting.MeetingId,
      joinToken: agentSeat.JoinToken,
      side: agent,
    });
    agent.network = {
      digit: () => undefined,
      voice: (text) => seat.send({ kind: 'voice', text }),
      hangup: seat.leave,
    };

    const call = rig.pstn.dial({ from: caller, to: rig.number });
    const joined = await waitForEvent(rig, (e) => e.ActionData?.Type === 'JoinChimeMeeting');
    expect(joined.InvocationEventType).toBe('ACTION_SUCCESSFUL');
    expect(joined.ActionData?.Parameters).toMatchObject({
      JoinToken: callerSeat.JoinToken,
      MeetingId: meeting.MeetingId,
    });
    expect(joined.CallDetails.Participants.map((p) => [p.ParticipantTag, p.Status, p.Direction])).toEqual([
      ['LEG-A', 'Connected', 'Inbound'],
      ['LEG-B', 'Connected', 'Outbound'],
    ]);
    await call.waitFor('connected');
    call.say('my order is late');
    await agent.waitToHear(/my order is late/);
    agent.say('before the mute');
    await call.waitToHear(/before the mute/);

    rig.engine.updateCall({
      region: 'us-east-1',
      sipMediaApplicationId: 'sma-us-east-1',
      transactionId: joined.CallDetails.TransactionId,
      arguments: { mute: agentSeat.AttendeeId },
    });
    await waitForEvent(rig, (e) => e.ActionData?.Type === 'ModifyChimeMeetingAttendees');
    expect(rig.meetings.isMuted(meeting.MeetingId, agentSeat.AttendeeId)).toBe(true);
    agent.say('while muted');
    call.say('are you there');
    await agent.waitToHear(/are you there/);
    expect(call.heard.some((h) => h.kind === 'voice' && h.text === 'while muted')).toBe(false);
    expect(types(rig)).toEqual([
      'NEW_INBOUND_CALL',
      'ACTION_SUCCESSFUL(JoinChimeMeeting)',
      'CALL_UPDATE_REQUESTED(CallUpdateRequest)',
      'ACTION_SUCCESSFUL(ModifyChimeMeetingAttendees)',
    ]);
    call.hangup();
  });

  it('ends the meeting leg when the meeting is deleted (HANGUP for LEG-B), and leaving a meeting reports', async () => {
    const rig = createRig();
    const meeting = rig.meetings.createMeeting({ MediaRegion: 'us-west-2', ExternalMeetingId: 'call-2' });
    const callerSeat = rig.meetings.createAttendee(meeting.MeetingId, 'caller-leg');
    const join = (e: import('../../../layers/adapters/sma-protocol.ts').SmaEvent) => ({
      Type: 'JoinChimeMeeting',
      Parameters: { CallId: legA(e), JoinToken: callerSeat.JoinToken, MeetingId: meeting.MeetingId },
    });
    let joins = 0;
    rig.handle((e) => {
      if (e.InvocationEventType === 'NEW_INBOUND_CALL') return respond([join(e)]);
      if (e.ActionData?.Type === 'JoinChimeMeeting' && e.InvocationEventType === 'ACTION_SUCCESSFUL') {
        joins += 1;
        // The first time, leave the meeting at once and rejoin; the second time, stay.
        return joins === 1
          ? respond([{ Type: 'Hangup', Parameters: { ParticipantTag: 'LEG-B' } }])
          : respond();
      }
      if (e.InvocationEventType === 'ACTION_SUCCESSFUL' && e.ActionData?.Type === 'Hangup')
        return respond([join(e)]);
      if (e.InvocationEventType === 'HANGUP' && e.ActionData?.Parameters?.ParticipantTag === 'LEG-B')
        return respond([speak(legA(e), 'The agent left. Goodbye.'), { Type: 'Hangup', Parameters: {} }]);
      return respond();
    });
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await waitForEvent(rig, (e) => e.ActionData?.Type === 'JoinChimeMeeting' && e.Sequence > 3);
    rig.meetings.deleteMeeting(meeting.MeetingId);
    await call.waitToHear(/agent left/);
    await call.waitFor('ended');
    await waitForEvent(rig, (e) => e.Sequence === 6);
    expect(types(rig)).toEqual([
      'NEW_INBOUND_CALL',
      'ACTION_SUCCESSFUL(JoinChimeMeeting)',
      'ACTION_SUCCESSFUL(Hangup)',
      'ACTION_SUCCESSFUL(JoinChimeMeeting)',
      'HANGUP(Hangup)',
      'HANGUP(Hangup)',
    ]);
    expect(rig.events[4]?.ActionData?.Parameters).toMatchObject({ ParticipantTag: 'LEG-B' });
    expect(rig.events[5]?.ActionData?.Parameters).toMatchObject({ ParticipantTag: 'LEG-A' });
  });

  it('refuses ModifyChimeMeetingAttendees on a call that is not in a meeting, and strangers to the meeting', async () => {
    const rig = createRig();
    const meeting = rig.meetings.createMeeting({ MediaRegion: 'us-east-1', ExternalMeetingId: 'call-3' });
    const callerSeat = rig.meetings.createAttendee(meeting.MeetingId, 'caller-leg');
    const modify = (attendee: string) => ({
      Type: 'ModifyChimeMeetingAttendees',
      Parameters: { Operation: 'Mute', MeetingId: meeting.MeetingId, AttendeeList: [attendee] },
    });
    rig.handle((e) => {
      if (e.InvocationEventType === 'NEW_INBOUND_CALL') return respond([modify(callerSeat.AttendeeId)]);
      if (e.InvocationEventType === 'ACTION_FAILED' && e.Sequence === 2)
        return respond([
          {
            Type: 'JoinChimeMeeting',
            Parameters: { CallId: legA(e), JoinToken: callerSeat.JoinToken, MeetingId: meeting.MeetingId },
          },
        ]);
      if (e.ActionData?.Type === 'JoinChimeMeeting') return respond([modify('not-an-attendee')]);
      return respond();
    });
    const call = rig.pstn.dial({ from: caller, to: rig.number });
    await waitForEvent(rig, (e) => e.InvocationEventType === 'ACTION_FAILED' && e.Sequence === 4);
    const [notInMeeting, stranger] = rig.events.filter((e) => e.InvocationEventType === 'ACTION_FAILED');
    expect(notInMeeting?.ActionData).toMatchObject({
      ErrorType: 'InvalidActionParameter',
      ErrorMessage: 'Invalid action on the call.',
    });
    expect(stranger?.ActionData).toMatchObject({
      ErrorType: 'InvalidActionParameter',
      ErrorMessage: expect.stringContaining('not-an-attendee'),
    });
    expect(rig.meetings.isMuted(meeting.MeetingId, callerSeat.AttendeeId)).toBe(false);
    call.hangup();
  });
});
