/**
 * The agent's audio, behind one interface. On AWS the softphone joins its Amazon Chime SDK meeting (the SMA
 * joins callers into it); on the local cloud the meeting's media placement points at the virtual phone
 * network, where the softphone takes its seat and talks to callers' browsers over WebRTC. The session the
 * agent API returns says which: its media placement.
 */
import { PstnSocket } from '../phone/pstn-socket.ts';
import { BeaconMedia, type MediaStats } from './beacon-media.ts';

export interface MediaSessionInfo {
  readonly meetingId: string;
  readonly mediaRegion: string;
  readonly mediaPlacement?: Readonly<Record<string, string>>;
  readonly attendee: { readonly attendeeId: string; readonly joinToken: string };
}

export interface SoftphoneMedia {
  readonly kind: 'local' | 'chime';
  /** False when the browser gave no microphone: the agent hears, but cannot be heard. */
  readonly microphone: boolean;
  stats(): Promise<MediaStats>;
  /** Settles when the seat is gone (removed from the meeting, or the meeting ended). */
  readonly ended: Promise<void>;
  close(): Promise<void>;
}

/** Joins the meeting of `session` with the agent's microphone (or, without one, to listen only). */
export async function joinMedia(session: MediaSessionInfo): Promise<SoftphoneMedia> {
  const microphone = await navigator.mediaDevices
    ?.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } })
    .catch(() => undefined);
  if (isLocal(session)) return joinLocal(session, microphone);
  const { joinChime } = await import('./chime-media.ts');
  return joinChime(session, microphone);
}

function isLocal(session: MediaSessionInfo): boolean {
  return /\/_pstn\/ws$/.test(session.mediaPlacement?.SignalingUrl ?? '');
}

async function joinLocal(
  session: MediaSessionInfo,
  microphone: MediaStream | undefined,
): Promise<SoftphoneMedia> {
  const socket = await PstnSocket.connect();
  // The seat may still be held by this page's previous load for a moment after a reload.
  let seat: string | undefined;
  for (let attempt = 1; seat === undefined; attempt++) {
    try {
      seat = await socket.joinMeeting(session.meetingId, session.attendee.joinToken);
    } catch (error) {
      if (attempt >= 10) throw error;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  const media = new BeaconMedia(socket, seat, microphone ?? new MediaStream());
  const joined = seat;
  const ended = new Promise<void>((resolve) => {
    socket.on((event) => {
      if (event.callId === joined && event.type === 'state' && event.state === 'ended') resolve();
    });
  });
  void ended.then(() => media.close());
  return {
    kind: 'local',
    microphone: microphone !== undefined,
    stats: () => media.stats(),
    ended,
    close: async () => {
      media.close();
      socket.hangup(seat);
      socket.close();
      for (const track of microphone?.getTracks() ?? []) track.stop();
    },
  };
}
