/**
 * Audio in S3 for the emulator: prompts are read and validated like the service does (spec §4.3), and
 * recordings are written as real WAV files. A missing or malformed prompt fails the action with the
 * documented InvalidAudioSource error.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ActionError } from './action-validation.ts';

export interface AudioStore {
  /** The playing time of a prompt; throws ActionError('InvalidAudioSource') when it cannot be played. */
  promptDurationMs(bucket: string, key: string): Promise<number>;
  putWav(bucket: string, key: string, wav: Buffer, metadata: Record<string, string>): Promise<void>;
}

export interface WavInfo {
  format: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  dataBytes: number;
  durationMs: number;
}

const MAX_PROMPT_BYTES = 50 * 1024 * 1024;

/** Reads a RIFF/WAVE header; undefined if the bytes are not a WAV file. */
export function parseWav(bytes: Buffer): WavInfo | undefined {
  if (
    bytes.length < 12 ||
    bytes.toString('ascii', 0, 4) !== 'RIFF' ||
    bytes.toString('ascii', 8, 12) !== 'WAVE'
  ) {
    return undefined;
  }
  let offset = 12;
  let fmt: Omit<WavInfo, 'dataBytes' | 'durationMs'> | undefined;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 24 <= bytes.length) {
      fmt = {
        format: bytes.readUInt16LE(offset + 8),
        channels: bytes.readUInt16LE(offset + 10),
        sampleRate: bytes.readUInt32LE(offset + 12),
        bitsPerSample: bytes.readUInt16LE(offset + 22),
      };
    } else if (id === 'data' && fmt !== undefined) {
      const dataBytes = Math.min(size, bytes.length - offset - 8);
      const bytesPerSecond = fmt.sampleRate * fmt.channels * (fmt.bitsPerSample / 8);
      return { ...fmt, dataBytes, durationMs: bytesPerSecond > 0 ? (dataBytes / bytesPerSecond) * 1000 : 0 };
    }
    offset += 8 + size + (size % 2);
  }
  return undefined;
}

/** Builds a 16-bit PCM WAV from per-channel sample generators. */
export function makeWav(options: {
  sampleRate: number;
  channels: number;
  durationMs: number;
  sample?: (channel: number, t: number) => number;
}): Buffer {
  const frames = Math.round((options.sampleRate * options.durationMs) / 1000);
  const dataBytes = frames * options.channels * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(options.channels, 22);
  wav.writeUInt32LE(options.sampleRate, 24);
  wav.writeUInt32LE(options.sampleRate * options.channels * 2, 28);
  wav.writeUInt16LE(options.channels * 2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  const sample = options.sample ?? (() => 0);
  for (let frame = 0; frame < frames; frame++) {
    for (let channel = 0; channel < options.channels; channel++) {
      const value = Math.max(-1, Math.min(1, sample(channel, frame / options.sampleRate)));
      wav.writeInt16LE(Math.round(value * 32_767), 44 + (frame * options.channels + channel) * 2);
    }
  }
  return wav;
}

export class S3AudioStore implements AudioStore {
  constructor(
    private readonly s3: S3Client,
    /** Strict: only 8 kHz mono 16-bit PCM, the format the service documents. */
    private readonly strictFormat = true,
  ) {}

  async promptDurationMs(bucket: string, key: string): Promise<number> {
    let bytes: Buffer;
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      bytes = Buffer.from(
        await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
    } catch {
      throw new ActionError('InvalidAudioSource', 'Cannot access S3 bucket or audio file.');
    }
    const info = bytes.length > MAX_PROMPT_BYTES ? undefined : parseWav(bytes);
    const acceptable =
      info !== undefined &&
      info.format === 1 &&
      info.bitsPerSample === 16 &&
      (!this.strictFormat || (info.channels === 1 && info.sampleRate === 8000));
    if (!acceptable || info.durationMs <= 0) {
      throw new ActionError('InvalidAudioSource', 'Audio Source parameter value is invalid.');
    }
    return info.durationMs;
  }

  async putWav(bucket: string, key: string, wav: Buffer, metadata: Record<string, string>): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: wav,
        ContentType: 'audio/wav',
        Metadata: metadata,
      }),
    );
  }
}
