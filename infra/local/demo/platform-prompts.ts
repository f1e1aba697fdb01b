/**
 * The platform's own prompts, synthesised (no audio file to license or ship): the default hold music, a
 * slow arpeggio of soft tones, and the beep before a voicemail; 8 kHz mono 16-bit WAV, the format SIP media
 * applications play.
 */
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../../layers/config/aws-clients.ts';
import { objectKeys } from '../../../layers/resources/index.ts';
import { makeWav } from '../chime/audio-store.ts';

const NOTES_HZ = [261.63, 329.63, 392.0, 523.25, 392.0, 329.63, 293.66, 349.23, 440.0, 587.33, 440.0, 349.23];
const NOTE_S = 0.6;

export function holdMusicWav(): Buffer {
  const durationMs = NOTES_HZ.length * NOTE_S * 2 * 1000;
  return makeWav({
    sampleRate: 8000,
    channels: 1,
    durationMs,
    sample: (_channel, t) => {
      const index = Math.floor(t / NOTE_S) % NOTES_HZ.length;
      const within = (t % NOTE_S) / NOTE_S;
      const envelope = Math.sin(Math.PI * within) ** 2; // fade each note in and out: no clicks
      const hz = NOTES_HZ[index] as number;
      return 0.25 * envelope * (Math.sin(2 * Math.PI * hz * t) + 0.3 * Math.sin(4 * Math.PI * hz * t));
    },
  });
}

/** The tone before a voicemail: 1 kHz for 400 ms. */
export function beepWav(): Buffer {
  return makeWav({
    sampleRate: 8000,
    channels: 1,
    durationMs: 400,
    sample: (_channel, t) => 0.4 * Math.sin(2 * Math.PI * 1000 * t) * Math.min(1, (0.4 - t) * 50, t * 50),
  });
}

/** Writes the platform prompts the call-control handler plays (once: they stay in the prompts bucket). */
export async function seedPlatformPrompts(bucket: string, clients: Pick<AwsClients, 's3'>): Promise<void> {
  await Promise.all([
    uploadOnce(bucket, objectKeys.platformPrompt('hold-music'), holdMusicWav, clients),
    uploadOnce(bucket, objectKeys.platformPrompt('beep'), beepWav, clients),
  ]);
}

/** The platform's own prompts, shared by every tenant: written once. */
async function uploadOnce(
  bucket: string,
  key: string,
  wav: () => Buffer,
  clients: Pick<AwsClients, 's3'>,
): Promise<void> {
  try {
    await clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return;
  } catch {
    // Not there yet.
  }
  await clients.s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: wav(), ContentType: 'audio/wav' }),
  );
}
