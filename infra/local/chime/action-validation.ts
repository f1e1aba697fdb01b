/**
 * Validation of a handler's response (spec §3.1–§3.3) and of every action's parameters (§3.7), with the
 * documented ErrorType / ErrorMessage strings. Parameters are normalised as the service echoes them:
 * numeric strings become numbers and documented defaults are filled in.
 */
import type { SmaAction } from '../../../layers/adapters/sma-protocol.ts';

export interface AttributeLimits {
  readonly maxPairs: number;
  readonly maxChars: number;
}
/** The older, stricter documented limits (10 pairs × 1024 chars) are the default (spec §3.3). */
export const strictAttributeLimits: AttributeLimits = { maxPairs: 10, maxChars: 1024 };
export const currentAttributeLimits: AttributeLimits = { maxPairs: 100, maxChars: 20 * 1024 };

export const supportedActions = [
  'Hangup',
  'Pause',
  'PlayAudio',
  'PlayAudioAndGetDigits',
  'ReceiveDigits',
  'RecordAudio',
  'SendDigits',
  'Speak',
  'SpeakAndGetDigits',
  'CallAndBridge',
  'JoinChimeMeeting',
  'ModifyChimeMeetingAttendees',
  'StartCallRecording',
  'StopCallRecording',
  'PauseCallRecording',
  'ResumeCallRecording',
] as const;
export type SupportedAction = (typeof supportedActions)[number];

export type ResponseCheck =
  | {
      ok: true;
      actions: SmaAction[];
      /** undefined: keep the stored map; a map (possibly empty): replace it. */
      attributes: Record<string, string> | undefined;
    }
  | { ok: false; errorType: string; errorMessage: string };

const invalid = (errorType: string, errorMessage: string): ResponseCheck => ({
  ok: false,
  errorType,
  errorMessage,
});

/** Checks the envelope; a failure means INVALID_LAMBDA_RESPONSE and no change at all. */
export function checkResponse(
  response: unknown,
  limits: AttributeLimits = strictAttributeLimits,
): ResponseCheck {
  if (typeof response !== 'object' || response === null || Array.isArray(response)) {
    return invalid(
      'Emulator:InvalidResponse',
      'The response must be a JSON object with SchemaVersion "1.0".',
    );
  }
  const r = response as Record<string, unknown>;
  if (r.SchemaVersion !== '1.0') {
    return invalid('Emulator:InvalidSchemaVersion', 'SchemaVersion must be "1.0".');
  }
  const rawActions = r.Actions ?? [];
  if (!Array.isArray(rawActions)) return invalid('Emulator:InvalidActions', 'Actions must be an array.');
  if (rawActions.length > 10) {
    return invalid('Emulator:TooManyActions', `At most 10 actions per response; got ${rawActions.length}.`);
  }
  const actions: SmaAction[] = [];
  for (const [i, a] of rawActions.entries()) {
    if (typeof a !== 'object' || a === null || typeof (a as { Type?: unknown }).Type !== 'string') {
      return invalid('Emulator:InvalidAction', `Actions[${i}] must be an object with a string Type.`);
    }
    const { Type, Parameters } = a as { Type: string; Parameters?: unknown };
    if (!(supportedActions as readonly string[]).includes(Type)) {
      return invalid('Emulator:UnknownActionType', `Actions[${i}].Type '${Type}' is not an SMA action.`);
    }
    if (
      Parameters !== undefined &&
      (typeof Parameters !== 'object' || Parameters === null || Array.isArray(Parameters))
    ) {
      return invalid('Emulator:InvalidParameters', `Actions[${i}].Parameters must be an object.`);
    }
    actions.push({ Type, Parameters: { ...((Parameters as Record<string, unknown> | undefined) ?? {}) } });
  }
  const attributes = r.TransactionAttributes;
  if (attributes === undefined || attributes === null) return { ok: true, actions, attributes: undefined };
  if (typeof attributes !== 'object' || Array.isArray(attributes)) {
    return invalid(
      'Emulator:InvalidTransactionAttributes',
      'TransactionAttributes must be an object of strings.',
    );
  }
  const entries = Object.entries(attributes as Record<string, unknown>);
  if (entries.length > limits.maxPairs) {
    return invalid(
      'TransactionAttributesInvalidMapSize',
      `Transaction Attributes has too many mappings. Maximum number of mappings is ${limits.maxPairs}`,
    );
  }
  for (const [key, value] of entries) {
    if (typeof value !== 'string') {
      return invalid(
        'Emulator:InvalidTransactionAttributes',
        `TransactionAttributes['${key}'] must be a string.`,
      );
    }
    if (key.length > limits.maxChars || value.length > limits.maxChars) {
      return invalid(
        'TransactionAttributesInvalidMapSize',
        `Transaction Attributes key or value exceeds the maximum length of ${limits.maxChars}`,
      );
    }
  }
  return { ok: true, actions, attributes: Object.fromEntries(entries) as Record<string, string> };
}

/** A failed action: either the ErrorType/ErrorMessage pair or the single `Error` string form. */
export class ActionError extends Error {
  override readonly name = 'ActionError';
  constructor(
    readonly errorType: string,
    message: string,
    /** JoinChimeMeeting and StartCallRecording report failures as one `Error` string. */
    readonly singleString = false,
  ) {
    super(message);
  }
}

type Params = Record<string, unknown>;
const fail = (message: string): never => {
  throw new ActionError('InvalidActionParameter', message);
};

/** An int parameter that may be a number or a numeric string; undefined stays undefined. */
export function intParam(
  params: Params,
  name: string,
  message: string,
  range?: [number, number],
): number | undefined {
  const raw = params[name];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isInteger(value)) fail(message);
  if (range !== undefined && (value < range[0] || value > range[1])) fail(message);
  return value;
}

const DTMF = /^[0-9#*]$/;
function digitList(params: Params, name: string, message: string): string[] | undefined {
  const raw = params[name];
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw) || !raw.every((d) => typeof d === 'string' && DTMF.test(d))) fail(message);
  return raw as string[];
}

function regexParam(params: Params, name: string): RegExp | undefined {
  const raw = params[name];
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') fail(`${name} parameter value is invalid.`);
  try {
    return new RegExp(raw as string);
  } catch {
    return fail(`${name} parameter value is invalid.`);
  }
}

export interface AudioSourceParam {
  Type: 'S3';
  BucketName: string;
  Key: string;
}

function audioSource(
  params: Params,
  name: string,
  message = 'Audio Source parameter value is invalid.',
): AudioSourceParam {
  const raw = params[name] as Partial<AudioSourceParam> | undefined;
  if (
    typeof raw !== 'object' ||
    raw === null ||
    raw.Type !== 'S3' ||
    typeof raw.BucketName !== 'string' ||
    raw.BucketName === '' ||
    typeof raw.Key !== 'string' ||
    raw.Key === ''
  ) {
    throw new ActionError('InvalidAudioSource', message);
  }
  return { Type: 'S3', BucketName: raw.BucketName, Key: raw.Key };
}

export interface SpeechParams {
  Text: string;
  Engine: 'standard' | 'neural';
  LanguageCode?: string;
  TextType: 'text' | 'ssml';
  VoiceId: string;
}

function speech(raw: Params, inherit?: SpeechParams): SpeechParams {
  const text = raw.Text ?? inherit?.Text;
  if (typeof text !== 'string' || text === '') {
    throw new ActionError('MissingRequiredActionParameter', 'Text is a required parameter.');
  }
  if (text.length > 1000)
    throw new ActionError('MissingRequiredActionParameter', 'Text is limited to 1,000 characters');
  const engine = raw.Engine ?? inherit?.Engine ?? 'standard';
  if (engine !== 'standard' && engine !== 'neural') fail('Engine parameter value is invalid.');
  const textType = raw.TextType ?? inherit?.TextType ?? 'text';
  if (textType !== 'text' && textType !== 'ssml') fail('TextType parameter value is invalid.');
  const languageCode = raw.LanguageCode ?? inherit?.LanguageCode;
  if (
    languageCode !== undefined &&
    (typeof languageCode !== 'string' || !/^[a-z]{2,3}-[A-Z]{2}$/.test(languageCode))
  ) {
    fail('LanguageCode parameter value is invalid.');
  }
  const voiceId = raw.VoiceId ?? inherit?.VoiceId ?? 'Joanna';
  if (typeof voiceId !== 'string' || !/^[A-Z][A-Za-z-]+$/.test(voiceId))
    fail('VoiceId parameter value is invalid.');
  if (textType === 'ssml' && !/^\s*<speak[\s>][\s\S]*<\/speak>\s*$/.test(text)) fail('Invalid SSML request.');
  return {
    Text: text,
    Engine: engine as SpeechParams['Engine'],
    LanguageCode: languageCode as string | undefined,
    TextType: textType as SpeechParams['TextType'],
    VoiceId: voiceId as string,
  };
}

/** The digit-collection settings shared by PlayAudioAndGetDigits and SpeakAndGetDigits. */
export interface DigitCollectionParams {
  minDigits: number;
  maxDigits: number;
  terminators: string[];
  regex: RegExp | undefined;
  attempts: number;
  attemptTimeoutMs: number;
  interDigitTimeoutMs: number;
}

function digitCollection(params: Params): { settings: DigitCollectionParams; echo: Params } {
  const minDigits =
    intParam(params, 'MinNumberOfDigits', 'MinNumberOfDigits parameter value is invalid.', [0, 128]) ?? 0;
  const maxDigits =
    intParam(params, 'MaxNumberOfDigits', 'MaxNumberOfDigits parameter value is invalid.', [1, 128]) ?? 128;
  if (maxDigits < minDigits) fail('MaxNumberOfDigits must be greater than MinNumberOfDigits.');
  const attemptTimeoutMs = intParam(
    params,
    'RepeatDurationInMilliseconds',
    'RepeatDurationInMilliseconds parameter value is invalid.',
    [1, 3_600_000],
  );
  if (attemptTimeoutMs === undefined) fail('RepeatDurationInMilliseconds parameter value is invalid.');
  const interDigitTimeoutMs =
    intParam(
      params,
      'InBetweenDigitsDurationInMilliseconds',
      'InBetweenDigitsDurationInMilliseconds parameter value is invalid.',
      [1, 3_600_000],
    ) ?? (attemptTimeoutMs as number);
  const attempts = intParam(params, 'Repeat', 'Repeat parameter value is invalid.', [1, 100]) ?? 1;
  const terminators = digitList(params, 'TerminatorDigits', 'TerminatorDigits parameter value is invalid.');
  const regex = regexParam(params, 'InputDigitsRegex');
  return {
    settings: {
      minDigits,
      maxDigits,
      terminators: terminators ?? ['#'],
      regex,
      attempts,
      attemptTimeoutMs: attemptTimeoutMs as number,
      interDigitTimeoutMs,
    },
    echo: {
      MinNumberOfDigits: minDigits,
      MaxNumberOfDigits: maxDigits,
      TerminatorDigits: terminators ?? null,
      InBetweenDigitsDurationInMilliseconds: interDigitTimeoutMs,
      Repeat: attempts,
      RepeatDurationInMilliseconds: attemptTimeoutMs,
    },
  };
}

export type ValidatedAction =
  | { type: 'Hangup'; echo: Params; sipResponseCode: number }
  | { type: 'Pause'; echo: Params; durationMs: number }
  | { type: 'PlayAudio'; echo: Params; source: AudioSourceParam; repeat: number; terminators: string[] }
  | {
      type: 'PlayAudioAndGetDigits';
      echo: Params;
      source: AudioSourceParam;
      failureSource: AudioSourceParam;
      digits: DigitCollectionParams;
    }
  | { type: 'Speak'; echo: Params; speech: SpeechParams }
  | {
      type: 'SpeakAndGetDigits';
      echo: Params;
      speech: SpeechParams;
      failureSpeech: SpeechParams;
      digits: DigitCollectionParams;
    }
  | { type: 'ReceiveDigits'; echo: Params; regex: RegExp; interDigitMs: number; flushMs: number }
  | { type: 'SendDigits'; echo: Params; digits: string; toneMs: number }
  | {
      type: 'RecordAudio';
      echo: Params;
      durationSeconds: number | undefined;
      silenceSeconds: number | undefined;
      terminators: string[];
      bucket: string;
      prefix: string;
    }
  | {
      type: 'CallAndBridge';
      echo: Params;
      timeoutSeconds: number;
      callerId: string;
      uri: string;
      ringback: AudioSourceParam | undefined;
      sipHeaders: Record<string, string> | undefined;
    }
  | { type: 'JoinChimeMeeting'; echo: Params; joinToken: string; meetingId: string | undefined }
  | {
      type: 'ModifyChimeMeetingAttendees';
      echo: Params;
      operation: 'Mute' | 'Unmute';
      meetingId: string;
      attendees: string[];
    }
  | { type: 'StartCallRecording'; echo: Params; track: 'BOTH' | 'INCOMING' | 'OUTGOING'; location: string }
  | { type: 'StopCallRecording' | 'PauseCallRecording' | 'ResumeCallRecording'; echo: Params };

const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * Validates one action's parameters (targeting is resolved by the engine and merged into `echo`).
 * Throws ActionError with the documented ErrorType and message.
 */
export function validateAction(action: SmaAction): ValidatedAction {
  const p = action.Parameters;
  switch (action.Type) {
    case 'Hangup': {
      const code =
        intParam(p, 'SipResponseCode', 'SipResponseCode parameter value is invalid.', [0, 699]) ?? 0;
      return { type: 'Hangup', echo: { SipResponseCode: code }, sipResponseCode: code };
    }
    case 'Pause': {
      const ms = intParam(
        p,
        'DurationInMilliseconds',
        'DurationInMilliseconds parameter value is invalid.',
        [1, 3_600_000],
      );
      if (ms === undefined) return fail('DurationInMilliseconds parameter value is invalid.');
      return { type: 'Pause', echo: { DurationInMilliseconds: ms }, durationMs: ms };
    }
    case 'PlayAudio': {
      const source = audioSource(p, 'AudioSource');
      const repeat = intParam(p, 'Repeat', 'Repeat parameter value is invalid.', [1, 100_000]) ?? 1;
      const terminators =
        digitList(p, 'PlaybackTerminators', 'PlaybackTerminators parameter value is invalid.') ?? [];
      return {
        type: 'PlayAudio',
        echo: { AudioSource: source, Repeat: repeat, PlaybackTerminators: terminators },
        source,
        repeat,
        terminators,
      };
    }
    case 'PlayAudioAndGetDigits': {
      const source = audioSource(p, 'AudioSource');
      const failureSource = audioSource(p, 'FailureAudioSource');
      const { settings, echo } = digitCollection(p);
      return {
        type: 'PlayAudioAndGetDigits',
        echo: {
          ...echo,
          InputDigitsRegex: p.InputDigitsRegex,
          AudioSource: source,
          FailureAudioSource: failureSource,
        },
        source,
        failureSource,
        digits: settings,
      };
    }
    case 'Speak': {
      const s = speech(p);
      return { type: 'Speak', echo: { ...s }, speech: s };
    }
    case 'SpeakAndGetDigits': {
      const raw = p.SpeechParameters;
      if (typeof raw !== 'object' || raw === null) {
        throw new ActionError('MissingRequiredActionParameter', 'Missing required action parameter.');
      }
      const s = speech(raw as Params);
      const failureRaw = p.FailureSpeechParameters;
      if (typeof failureRaw !== 'object' || failureRaw === null) {
        throw new ActionError('MissingRequiredActionParameter', 'Missing required action parameter.');
      }
      const f = speech(failureRaw as Params, s);
      const { settings, echo } = digitCollection(p);
      return {
        type: 'SpeakAndGetDigits',
        echo: {
          ...echo,
          InputDigitsRegex: p.InputDigitsRegex,
          SpeechParameters: s,
          FailureSpeechParameters: f,
        },
        speech: s,
        failureSpeech: f,
        digits: settings,
      };
    }
    case 'ReceiveDigits': {
      const regex = regexParam(p, 'InputDigitsRegex');
      if (regex === undefined) return fail('InputDigitsRegex parameter value is invalid.');
      const interDigitMs = intParam(
        p,
        'InBetweenDigitsDurationInMilliseconds',
        'InBetweenDigitsDurationInMilliseconds parameter value is invalid.',
        [1, 3_600_000],
      );
      const flushMs = intParam(
        p,
        'FlushDigitsDurationInMilliseconds',
        'FlushDigitsDurationInMilliseconds parameter value is invalid.',
        [1, 3_600_000],
      );
      if (interDigitMs === undefined)
        return fail('InBetweenDigitsDurationInMilliseconds parameter value is invalid.');
      if (flushMs === undefined) return fail('FlushDigitsDurationInMilliseconds parameter value is invalid.');
      return {
        type: 'ReceiveDigits',
        echo: {
          InputDigitsRegex: p.InputDigitsRegex,
          InBetweenDigitsDurationInMilliseconds: interDigitMs,
          FlushDigitsDurationInMilliseconds: flushMs,
        },
        regex,
        interDigitMs,
        flushMs,
      };
    }
    case 'SendDigits': {
      const digits = p.Digits;
      if (
        typeof digits !== 'string' ||
        digits === '' ||
        digits.length > 50 ||
        !/^[0-9*#A-D,]+$/.test(digits)
      ) {
        return fail('Digits parameter value is invalid.');
      }
      const toneMs =
        intParam(p, 'ToneDurationInMilliseconds', 'ToneDuration parameter value is invalid.', [50, 24_000]) ??
        250;
      return {
        type: 'SendDigits',
        echo: { Digits: digits, ToneDurationInMilliseconds: toneMs },
        digits,
        toneMs,
      };
    }
    case 'RecordAudio': {
      const durationSeconds = intParam(
        p,
        'DurationInSeconds',
        'DurationInSeconds parameter value is invalid.',
        [1, 86_400],
      );
      const silenceSeconds = intParam(
        p,
        'SilenceDurationInSeconds',
        'SilenceDurationInSeconds parameter value is invalid.',
        [1, 1000],
      );
      intParam(p, 'SilenceThreshold', 'SilenceThreshold parameter value is invalid.', [1, 1000]);
      const terminators =
        digitList(p, 'RecordingTerminators', 'RecordingTerminators parameter value is invalid.') ?? [];
      const destination = p.RecordingDestination as
        | { Type?: unknown; BucketName?: unknown; Prefix?: unknown }
        | undefined;
      if (
        typeof destination !== 'object' ||
        destination === null ||
        destination.Type !== 'S3' ||
        typeof destination.BucketName !== 'string' ||
        destination.BucketName === '' ||
        (destination.Prefix !== undefined &&
          (typeof destination.Prefix !== 'string' || destination.Prefix.length > 979))
      ) {
        return fail('RecordingDestination parameter value is invalid.');
      }
      return {
        type: 'RecordAudio',
        echo: {
          DurationInSeconds: durationSeconds,
          SilenceDurationInSeconds: silenceSeconds,
          RecordingTerminators: terminators,
          RecordingDestination: destination,
        },
        durationSeconds,
        silenceSeconds,
        terminators,
        bucket: destination.BucketName as string,
        prefix: (destination.Prefix as string | undefined) ?? '',
      };
    }
    case 'CallAndBridge': {
      const endpoints = p.Endpoints;
      if (!Array.isArray(endpoints) || endpoints.length !== 1)
        return fail('Invalid number of endpoints provided.');
      const endpoint = endpoints[0] as { BridgeEndpointType?: unknown; Uri?: unknown; Arn?: unknown };
      if (endpoint.BridgeEndpointType !== 'PSTN') {
        // AWS endpoints (Voice Connectors) have no local counterpart yet: say so instead of pretending.
        return fail('Endpoint parameter is invalid.');
      }
      if (typeof endpoint.Uri !== 'string' || !E164.test(endpoint.Uri) || (endpoint.Arn ?? null) !== null) {
        return fail('Endpoint parameter is invalid.');
      }
      const callerId = p.CallerIdNumber;
      if (callerId === undefined || callerId === '') return fail('Caller ID not defined.');
      if (typeof callerId !== 'string' || !E164.test(callerId)) return fail('Invalid caller ID.');
      const timeoutSeconds =
        intParam(
          p,
          'CallTimeoutSeconds',
          'The MaxCallTimeout parameter is invalid. Timeout must be between 0 and 120 seconds.',
          [1, 120],
        ) ?? 30;
      const ringback =
        p.RingbackTone === undefined
          ? undefined
          : audioSource(p, 'RingbackTone', 'Ringtone parameter value is invalid.');
      const headers = p.SipHeaders as Record<string, unknown> | undefined;
      if (headers !== undefined) {
        for (const [key, value] of Object.entries(headers)) {
          const lower = key.toLowerCase();
          const allowed =
            (lower.startsWith('x-') || lower === 'user-to-user' || lower === 'diversion') &&
            !lower.startsWith('x-amzn');
          if (!allowed || typeof value !== 'string') fail(`Invalid SIP header(s) provided: ${key}`);
        }
      }
      return {
        type: 'CallAndBridge',
        echo: {
          CallTimeoutSeconds: timeoutSeconds,
          CallerIdNumber: callerId,
          Endpoints: [{ BridgeEndpointType: 'PSTN', Uri: endpoint.Uri }],
          RingbackTone: ringback,
          SipHeaders: headers,
        },
        timeoutSeconds,
        callerId,
        uri: endpoint.Uri,
        ringback,
        sipHeaders: headers as Record<string, string> | undefined,
      };
    }
    case 'JoinChimeMeeting': {
      if (typeof p.JoinToken !== 'string' || p.JoinToken === '')
        return fail('JoinToken parameter value is invalid.');
      const meetingId = typeof p.MeetingId === 'string' && p.MeetingId !== '' ? p.MeetingId : undefined;
      return {
        type: 'JoinChimeMeeting',
        echo: { JoinToken: p.JoinToken, MeetingId: meetingId },
        joinToken: p.JoinToken,
        meetingId,
      };
    }
    case 'ModifyChimeMeetingAttendees': {
      const operation = p.Operation;
      if (operation !== 'Mute' && operation !== 'Unmute') return fail('Invalid Operation parameter');
      if (typeof p.MeetingId !== 'string' || p.MeetingId === '') return fail('Invalid MeetingId parameter');
      const list = p.AttendeeList;
      if (
        !Array.isArray(list) ||
        list.length === 0 ||
        list.length > 100 ||
        !list.every((a) => typeof a === 'string')
      ) {
        return fail('Invalid AttendeeList parameter');
      }
      return {
        type: 'ModifyChimeMeetingAttendees',
        echo: { Operation: operation, MeetingId: p.MeetingId, AttendeeList: list },
        operation,
        meetingId: p.MeetingId,
        attendees: list as string[],
      };
    }
    case 'StartCallRecording': {
      const track = p.Track;
      if (track !== 'BOTH' && track !== 'INCOMING' && track !== 'OUTGOING')
        return fail('Track parameter value is invalid.');
      const destination = p.Destination as { Type?: unknown; Location?: unknown } | undefined;
      if (
        typeof destination !== 'object' ||
        destination === null ||
        destination.Type !== 'S3' ||
        typeof destination.Location !== 'string' ||
        destination.Location === ''
      ) {
        return fail('Destination parameter value is invalid.');
      }
      return {
        type: 'StartCallRecording',
        echo: { Track: track, Destination: destination },
        track,
        location: destination.Location,
      };
    }
    case 'StopCallRecording':
    case 'PauseCallRecording':
    case 'ResumeCallRecording':
      return { type: action.Type, echo: {} };
    default:
      return fail(`Action ${action.Type} is not supported by the local emulator.`);
  }
}

/** Actions that require an explicit CallId (spec §3.2). */
export const callIdRequired = new Set([
  'Speak',
  'SpeakAndGetDigits',
  'SendDigits',
  'StartCallRecording',
  'StopCallRecording',
  'PauseCallRecording',
  'ResumeCallRecording',
]);

/** Actions that report ACTION_SUCCESSFUL as soon as they succeed, even mid-list (spec §3.4 step 3). */
export const reportingActions = new Set([
  'CallAndBridge',
  'JoinChimeMeeting',
  'ModifyChimeMeetingAttendees',
  'PlayAudioAndGetDigits',
  'SpeakAndGetDigits',
  'RecordAudio',
]);

/** Actions that UpdateSipMediaApplicationCall interrupts (spec §3.5). */
export const interruptibleActions = new Set(['Pause', 'PlayAudio', 'RecordAudio']);
