/**
 * The agent's audio on AWS: the Amazon Chime SDK for JavaScript joins the agent's meeting, sends the
 * microphone and plays the meeting's audio (the caller, joined by the SIP media application). Loaded only
 * when needed: the SDK is most of the softphone's weight.
 */
import {
  ConsoleLogger,
  DefaultDeviceController,
  DefaultMeetingSession,
  LogLevel,
  MeetingSessionConfiguration,
} from 'amazon-chime-sdk-js';
import type { MediaStats } from './beacon-media.ts';
import type { MediaSessionInfo, SoftphoneMedia } from './softphone-media.ts';

export async function joinChime(
  session: MediaSessionInfo,
  microphone: MediaStream | undefined,
): Promise<SoftphoneMedia> {
  const logger = new ConsoleLogger('openline-softphone', LogLevel.WARN);
  const configuration = new MeetingSessionConfiguration(
    {
      Meeting: {
        MeetingId: session.meetingId,
        MediaRegion: session.mediaRegion,
        MediaPlacement: session.mediaPlacement,
      },
    },
    { Attendee: { AttendeeId: session.attendee.attendeeId, JoinToken: session.attendee.joinToken } },
  );
  const meeting = new DefaultMeetingSession(configuration, logger, new DefaultDeviceController(logger));
  const audio = new Audio();
  audio.autoplay = true;
  await meeting.audioVideo.bindAudioElement(audio);
  if (microphone !== undefined) await meeting.audioVideo.startAudioInput(microphone);
  const ended = new Promise<void>((resolve) => {
    meeting.audioVideo.addObserver({ audioVideoDidStop: () => resolve() });
  });
  meeting.audioVideo.start();
  return {
    kind: 'chime',
    ended,
    microphone: microphone !== undefined,
    stats: async (): Promise<MediaStats> => {
      let packetsSent = 0;
      let packetsReceived = 0;
      let audioLevel = 0;
      let totalAudioEnergy = 0;
      (await meeting.audioVideo.getRTCPeerConnectionStats())?.forEach((report: Record<string, unknown>) => {
        if (report.type === 'outbound-rtp' && report.kind === 'audio')
          packetsSent += Number(report.packetsSent ?? 0);
        if (report.type === 'inbound-rtp' && report.kind === 'audio') {
          packetsReceived += Number(report.packetsReceived ?? 0);
          audioLevel = Math.max(audioLevel, Number(report.audioLevel ?? 0));
          totalAudioEnergy += Number(report.totalAudioEnergy ?? 0);
        }
      });
      return {
        audible: packetsReceived > 0 ? 1 : 0,
        packetsSent,
        packetsReceived,
        audioLevel,
        totalAudioEnergy,
      };
    },
    close: async () => {
      meeting.audioVideo.stop();
      await meeting.audioVideo.stopAudioInput();
      for (const track of microphone?.getTracks() ?? []) track.stop();
    },
  };
}
