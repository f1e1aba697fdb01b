/**
 * The platform's default hold music, synthesised (no audio file to license or ship): a slow arpeggio of
 * soft tones as an 8 kHz mono 16-bit WAV, the format SIP media applications play.
 */
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
