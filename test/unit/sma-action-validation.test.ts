import { describe, expect, it } from 'vitest';
import {
  ActionError,
  checkResponse,
  currentAttributeLimits,
  validateAction,
} from '../../infra/local/chime/action-validation.ts';

describe('checkResponse', () => {
  it('accepts a missing Actions list and null attributes (keep)', () => {
    expect(checkResponse({ SchemaVersion: '1.0' })).toEqual({ ok: true, actions: [], attributes: undefined });
    expect(checkResponse({ SchemaVersion: '1.0', Actions: [], TransactionAttributes: null })).toMatchObject({
      ok: true,
      attributes: undefined,
    });
  });

  it('distinguishes clearing ({}) from keeping (absent)', () => {
    expect(checkResponse({ SchemaVersion: '1.0', TransactionAttributes: {} })).toMatchObject({
      ok: true,
      attributes: {},
    });
  });

  it('rejects what the service would refuse, with the documented error where there is one', () => {
    expect(checkResponse('{}')).toMatchObject({ ok: false });
    expect(checkResponse({ SchemaVersion: '2.0' })).toMatchObject({
      ok: false,
      errorType: 'Emulator:InvalidSchemaVersion',
    });
    expect(checkResponse({ SchemaVersion: '1.0', Actions: [{ Parameters: {} }] })).toMatchObject({
      ok: false,
    });
    expect(checkResponse({ SchemaVersion: '1.0', TransactionAttributes: { a: 1 } })).toMatchObject({
      ok: false,
      errorType: 'Emulator:InvalidTransactionAttributes',
    });
    expect(
      checkResponse({ SchemaVersion: '1.0', TransactionAttributes: { a: 'x'.repeat(1025) } }),
    ).toMatchObject({
      ok: false,
      errorType: 'TransactionAttributesInvalidMapSize',
    });
  });

  it('can switch to the current documented limits (100 pairs)', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    expect(checkResponse({ SchemaVersion: '1.0', TransactionAttributes: many })).toMatchObject({ ok: false });
    expect(
      checkResponse({ SchemaVersion: '1.0', TransactionAttributes: many }, currentAttributeLimits),
    ).toMatchObject({ ok: true });
  });
});

describe('validateAction', () => {
  const error = (action: { Type: string; Parameters: Record<string, unknown> }) => {
    try {
      validateAction(action);
    } catch (e) {
      return e as ActionError;
    }
    throw new Error('expected a failure');
  };

  it('normalises numeric strings and fills in defaults', () => {
    expect(validateAction({ Type: 'Hangup', Parameters: { SipResponseCode: '0' } }).echo).toEqual({
      SipResponseCode: 0,
    });
    const digits = validateAction({
      Type: 'SpeakAndGetDigits',
      Parameters: {
        CallId: 'c',
        SpeechParameters: { Text: 'Press 1', VoiceId: 'Matthew' },
        FailureSpeechParameters: { Text: 'Sorry' },
        RepeatDurationInMilliseconds: '3000',
      },
    });
    expect(digits.echo).toMatchObject({
      MinNumberOfDigits: 0,
      MaxNumberOfDigits: 128,
      Repeat: 1,
      InBetweenDigitsDurationInMilliseconds: 3000,
    });
    // The failure prompt inherits the voice it does not set.
    expect(digits.type === 'SpeakAndGetDigits' && digits.failureSpeech.VoiceId).toBe('Matthew');
  });

  it('names the documented errors', () => {
    expect(error({ Type: 'Speak', Parameters: { CallId: 'c' } })).toMatchObject({
      errorType: 'MissingRequiredActionParameter',
      message: 'Text is a required parameter.',
    });
    expect(
      error({ Type: 'PlayAudio', Parameters: { AudioSource: { Type: 'S3', BucketName: '', Key: 'k' } } }),
    ).toMatchObject({
      errorType: 'InvalidAudioSource',
      message: 'Audio Source parameter value is invalid.',
    });
    expect(
      error({
        Type: 'CallAndBridge',
        Parameters: {
          CallerIdNumber: '+12065550100',
          CallTimeoutSeconds: 500,
          Endpoints: [{ BridgeEndpointType: 'PSTN', Uri: '+12065550101' }],
        },
      }),
    ).toMatchObject({
      message: 'The MaxCallTimeout parameter is invalid. Timeout must be between 0 and 120 seconds.',
    });
    expect(
      error({
        Type: 'CallAndBridge',
        Parameters: {
          CallerIdNumber: '+12065550100',
          Endpoints: [{ BridgeEndpointType: 'PSTN', Uri: '+12065550101' }],
          SipHeaders: { 'X-AMZN-Thing': 'x' },
        },
      }),
    ).toMatchObject({ message: 'Invalid SIP header(s) provided: X-AMZN-Thing' });
    expect(error({ Type: 'Pause', Parameters: {} })).toMatchObject({ errorType: 'InvalidActionParameter' });
    expect(error({ Type: 'SendDigits', Parameters: { CallId: 'c', Digits: '1'.repeat(51) } })).toBeInstanceOf(
      ActionError,
    );
  });
});
