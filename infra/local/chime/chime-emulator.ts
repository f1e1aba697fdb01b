/**
 * The local Chime SDK Voice service, assembled: account state (numbers, SIP media applications, SIP rules),
 * Chime SDK meetings, the REST APIs the official SDK clients talk to (voice and meetings, on one port), the
 * SIP media application engine, the virtual PSTN, the functions SMAs invoke, and which regions are up.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { type AudioStore, S3AudioStore } from './audio-store.ts';
import { FunctionRegistry, LOCAL_ACCOUNT_ID } from './function-registry.ts';
import { MeetingRooms } from './meeting-rooms.ts';
import { meetingsApiRoutes } from './meetings-api.ts';
import { PstnGateway } from './pstn-gateway.ts';
import { ScaledTime } from './scaled-time.ts';
import { SmaEngine } from './sma-engine.ts';
import { VirtualPstn } from './virtual-pstn.ts';
import { startVoiceApiServer } from './voice-api-server.ts';
import { VoiceStore } from './voice-store.ts';

export interface ChimeEmulator {
  readonly endpoint: string;
  readonly store: VoiceStore;
  readonly engine: SmaEngine;
  readonly pstn: VirtualPstn;
  readonly meetings: MeetingRooms;
  readonly functions: FunctionRegistry;
  readonly pstnGateway: PstnGateway;
  /** Regions whose SIP media applications take calls; a region marked down is skipped by SIP rules. */
  readonly regions: Map<string, 'up' | 'down'>;
  close(): Promise<void>;
}

export async function startChimeEmulator(options: {
  port: number;
  regions: readonly string[];
  /** S3 for prompts and recordings: one client, or each region's own (the drill runs one S3 per region). */
  s3: S3Client | ((region: string) => S3Client);
  timeScale?: number;
  /** Where local clients take their seats in meetings (the virtual PSTN gateway's WebSocket URL). */
  meetingSignalingUrl?: string;
}): Promise<ChimeEmulator> {
  const regions = new Map<string, 'up' | 'down'>(options.regions.map((r) => [r, 'up']));
  const store = new VoiceStore({ accountId: LOCAL_ACCOUNT_ID });
  const pstn = new VirtualPstn();
  const functions = new FunctionRegistry();
  let endpoint = '';
  const meetings = new MeetingRooms({
    accountId: LOCAL_ACCOUNT_ID,
    signalingUrl: () => options.meetingSignalingUrl ?? endpoint,
  });
  const engine = new SmaEngine({
    directory: store,
    pstn,
    handlers: (arn) => functions.resolve(arn),
    audio: audioStores(options.s3),
    accountId: LOCAL_ACCOUNT_ID,
    time: new ScaledTime(options.timeScale ?? 1),
    isRegionUp: (region) => regions.get(region) !== 'down',
    meetings,
  });
  const api = await startVoiceApiServer({
    port: options.port,
    store,
    calls: engine,
    defaultRegion: options.regions[0] ?? 'us-east-1',
    extraRoutes: meetingsApiRoutes(meetings),
  });
  endpoint = api.endpoint;
  const pstnGateway = new PstnGateway(pstn, engine.log, meetings);
  return {
    endpoint: api.endpoint,
    store,
    engine,
    pstn,
    meetings,
    functions,
    pstnGateway,
    regions,
    async close() {
      await pstnGateway.close();
      await api.close();
    },
  };
}

function audioStores(
  s3: S3Client | ((region: string) => S3Client),
): AudioStore | ((region: string) => AudioStore) {
  if (typeof s3 !== 'function') return new S3AudioStore(s3);
  const stores = new Map<string, AudioStore>();
  return (region) => {
    let store = stores.get(region);
    if (store === undefined) {
      store = new S3AudioStore(s3(region));
      stores.set(region, store);
    }
    return store;
  };
}
