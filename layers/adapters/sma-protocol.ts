/**
 * The SIP media application wire contract (shared/specs/chime-sma-protocol.md §2, §3, §8): what the SMA
 * sends a handler and what a handler answers. Used by the call-control adapter and by the local Chime
 * emulator, so both read the same shapes. Types only.
 */
export type InvocationEventType =
  | 'NEW_INBOUND_CALL'
  | 'NEW_OUTBOUND_CALL'
  | 'RINGING'
  | 'CALL_ANSWERED'
  | 'ACTION_SUCCESSFUL'
  | 'ACTION_FAILED'
  | 'ACTION_INTERRUPTED'
  | 'HANGUP'
  | 'DIGITS_RECEIVED'
  | 'CALL_UPDATE_REQUESTED'
  | 'INVALID_LAMBDA_RESPONSE';

export type ParticipantTag = 'LEG-A' | 'LEG-B';

export interface SmaParticipant {
  CallId: string;
  ParticipantTag: ParticipantTag;
  To: string;
  From: string;
  Direction: 'Inbound' | 'Outbound';
  /** Epoch milliseconds as a string. */
  StartTimeInMilliseconds: string;
  /** Absent before the leg is connected. */
  Status?: 'Connected' | 'Disconnected';
  SipHeaders?: Record<string, string>;
}

export interface SmaCallDetails {
  TransactionId: string;
  /** Absent until the handler has stored attributes. */
  TransactionAttributes?: Record<string, string>;
  AwsAccountId: string;
  AwsRegion: string;
  /** Inbound (SIP rule) transactions only. */
  SipRuleId?: string;
  SipMediaApplicationId: string;
  Participants: SmaParticipant[];
}

export interface SmaActionData {
  Type?: string;
  /** Numbers may arrive as numbers or numeric strings. */
  Parameters?: Record<string, unknown>;
  ReceivedDigits?: string;
  RecordingDestination?: { Type: 'S3'; BucketName: string; Key: string };
  RecordingTerminatorUsed?: string;
  CallRecordingDestination?: { Type: 'S3'; Location: string };
  IntentResult?: unknown;
  ErrorType?: string;
  ErrorMessage?: string;
  /** JoinChimeMeeting / StartCallRecording failures use one string. */
  Error?: string;
  ErrorList?: unknown[];
}

export interface SmaEvent {
  SchemaVersion: '1.0';
  Sequence: number;
  InvocationEventType: InvocationEventType;
  ActionData?: SmaActionData;
  CallDetails: SmaCallDetails;
  /** INVALID_LAMBDA_RESPONSE only, at the top level. */
  ErrorType?: string;
  ErrorMessage?: string;
}

export interface SmaAction {
  Type: string;
  Parameters: Record<string, unknown>;
}

export interface SmaResponse {
  SchemaVersion: '1.0';
  /** At most 10. */
  Actions?: SmaAction[];
  TransactionAttributes?: Record<string, string> | null;
}
