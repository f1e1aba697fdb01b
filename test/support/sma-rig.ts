/**
 * A SIP media application engine wired for conformance tests: a virtual PSTN, prompts in the local
 * cloud's S3, one SIP rule per test number, and a stand-in handler each test scripts. Emulated time runs
 * 50× faster than real time, so a 5 s deadline is 100 ms.
 */
import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { makeWav, S3AudioStore } from '../../infra/local/chime/audio-store.ts';
import { MeetingRooms } from '../../infra/local/chime/meeting-rooms.ts';
import { ScaledTime } from '../../infra/local/chime/scaled-time.ts';
import { SmaEngine, type SmaEngineOptions, type SmaHandler } from '../../infra/local/chime/sma-engine.ts';
import type { ChimeDirectory, InboundTarget } from '../../infra/local/chime/telephony-ports.ts';
import { VirtualPstn } from '../../infra/local/chime/virtual-pstn.ts';
import type { SmaAction, SmaEvent, SmaResponse } from '../../layers/adapters/sma-protocol.ts';
import { localCloud } from './local-cloud.ts';

export const SCALE = 0.02;

/** A directory with one number routed to one SMA per region, in priority order. */
export class TestDirectory implements ChimeDirectory {
  readonly owned = new Set<string>();
  readonly routes = new Map<string, InboundTarget[]>();

  route(number: string, regions: string[]): InboundTarget[] {
    const targets = regions.map((region, i) => ({
      sipRuleId: 'rule-1',
      priority: i + 1,
      region,
      sipMediaApplicationId: `sma-${region}`,
      lambdaArn: `arn:aws:lambda:${region}:000000000000:function:test-handler`,
    }));
    this.owned.add(number);
    this.routes.set(number, targets);
    return targets;
  }
  inboundTargets(toNumber: string): InboundTarget[] {
    return this.routes.get(toNumber) ?? [];
  }
  sipMediaApplication(region: string, id: string) {
    return id === `sma-${region}`
      ? {
          sipMediaApplicationId: id,
          region,
          lambdaArn: `arn:aws:lambda:${region}:000000000000:function:test-handler`,
        }
      : undefined;
  }
  ownsNumber(e164: string): boolean {
    return this.owned.has(e164);
  }
}

export interface Rig {
  engine: SmaEngine;
  pstn: VirtualPstn;
  directory: TestDirectory;
  /** Every event the handler received, in order (retries included). */
  events: SmaEvent[];
  /** Replace the handler's behaviour. */
  handle(fn: (event: SmaEvent) => SmaResponse | Promise<SmaResponse> | unknown): void;
  regionsDown: Set<string>;
  /** Chime SDK meetings the engine joins callers to. */
  meetings: MeetingRooms;
  bucket: string;
  /** Uploads a prompt (8 kHz mono 16-bit unless told otherwise) and returns its AudioSource. */
  prompt(
    durationMs: number,
    format?: { sampleRate?: number; channels?: number },
  ): Promise<{ Type: 'S3'; BucketName: string; Key: string }>;
  number: string;
}

export function respond(actions: SmaAction[] = [], attributes?: Record<string, string> | null): SmaResponse {
  return {
    SchemaVersion: '1.0',
    Actions: actions,
    ...(attributes === undefined ? {} : { TransactionAttributes: attributes }),
  };
}

export function legA(event: SmaEvent): string {
  return event.CallDetails.Participants.find((p) => p.ParticipantTag === 'LEG-A')?.CallId ?? '';
}

export function createRig(options: Partial<SmaEngineOptions> = {}): Rig {
  const { clients, config } = localCloud();
  const pstn = new VirtualPstn();
  const directory = new TestDirectory();
  const events: SmaEvent[] = [];
  let behaviour: (event: SmaEvent) => unknown = () => respond();
  const handler: SmaHandler = async (event) => {
    events.push(event);
    return behaviour(event);
  };
  const regionsDown = new Set<string>();
  const meetings = new MeetingRooms({ accountId: '000000000000', signalingUrl: () => 'ws://127.0.0.1:1/' });
  const engine = new SmaEngine({
    meetings,
    directory,
    pstn,
    handlers: () => handler,
    audio: new S3AudioStore(clients.s3),
    time: new ScaledTime(SCALE),
    isRegionUp: (region) => !regionsDown.has(region),
    ...options,
  });
  const number = `+1555${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  directory.route(number, ['us-east-1', 'us-west-2']);
  const bucket = config.buckets.prompts;
  return {
    engine,
    pstn,
    directory,
    events,
    handle: (fn) => {
      behaviour = fn;
    },
    regionsDown,
    meetings,
    bucket,
    number,
    async prompt(durationMs, format = {}) {
      const key = `test/${randomUUID()}.wav`;
      const wav = makeWav({
        sampleRate: format.sampleRate ?? 8000,
        channels: format.channels ?? 1,
        durationMs,
      });
      await clients.s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: wav, ContentType: 'audio/wav' }),
      );
      return { Type: 'S3', BucketName: bucket, Key: key };
    },
  };
}

/** Resolves once the handler has received an event matching `predicate`. */
export async function waitForEvent(
  rig: Rig,
  predicate: (e: SmaEvent) => boolean,
  timeoutMs = 5_000,
): Promise<SmaEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = rig.events.find(predicate);
    if (found !== undefined) return found;
    if (Date.now() > deadline) {
      throw new Error(
        `no matching event; got ${rig.events.map((e) => `${e.Sequence}:${e.InvocationEventType}`).join(', ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const types = (rig: Rig) =>
  rig.events.map((e) => `${e.InvocationEventType}${e.ActionData?.Type ? `(${e.ActionData.Type})` : ''}`);
