/**
 * The SIP media application handler. Until the IVR flow interpreter lands (issue 4), every call hears a
 * greeting and is hung up: enough to prove a number, its SIP rule and the SMA reach this code.
 */
import type { SmaEvent, SmaResponse } from '../../layers/adapters/sma-protocol.ts';

const GREETING = 'Welcome to Openline. This number is live; its call flow is not published yet. Goodbye.';

export async function handler(event: SmaEvent): Promise<SmaResponse> {
  const legA = event.CallDetails.Participants.find((p) => p.ParticipantTag === 'LEG-A');
  const startsCall =
    event.InvocationEventType === 'NEW_INBOUND_CALL' || event.InvocationEventType === 'CALL_ANSWERED';
  if (!startsCall || legA === undefined) return { SchemaVersion: '1.0', Actions: [] };
  return {
    SchemaVersion: '1.0',
    Actions: [
      {
        Type: 'Speak',
        Parameters: { CallId: legA.CallId, Text: GREETING, Engine: 'neural', VoiceId: 'Joanna' },
      },
      { Type: 'Hangup', Parameters: { SipResponseCode: '0' } },
    ],
  };
}
