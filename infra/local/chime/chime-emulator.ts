/**
 * The local Chime SDK Voice service, assembled: account state (numbers, SIP media applications, SIP rules),
 * the REST API the official SDK talks to, the SIP media application engine, the virtual PSTN, the
 * functions SMAs invoke, and which regions are up.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { S3AudioStore } from './audio-store.ts';
import { FunctionRegistry, LOCAL_ACCOUNT_ID } from './function-registry.ts';
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
  readonly functions: FunctionRegistry;
  readonly pstnGateway: PstnGateway;
  /** Regions whose SIP media applications take calls; a region marked down is skipped by SIP rules. */
  readonly regions: Map<string, 'up' | 'down'>;
  close(): Promise<void>;
}

export async function startChimeEmulator(options: {
  port: number;
  regions: readonly string[];
  s3: S3Client;
  timeScale?: number;
}): Promise<ChimeEmulator> {
  const regions = new Map<string, 'up' | 'down'>(options.regions.map((r) => [r, 'up']));
  const store = new VoiceStore({ accountId: LOCAL_ACCOUNT_ID });
  const pstn = new VirtualPstn();
  const functions = new FunctionRegistry();
  const engine = new SmaEngine({
    directory: store,
    pstn,
    handlers: (arn) => functions.resolve(arn),
    audio: new S3AudioStore(options.s3),
    accountId: LOCAL_ACCOUNT_ID,
    time: new ScaledTime(options.timeScale ?? 1),
    isRegionUp: (region) => regions.get(region) !== 'down',
  });
  const api = await startVoiceApiServer({
    port: options.port,
    store,
    calls: engine,
    defaultRegion: options.regions[0] ?? 'us-east-1',
  });
  const pstnGateway = new PstnGateway(pstn, engine.log);
  return {
    endpoint: api.endpoint,
    store,
    engine,
    pstn,
    functions,
    pstnGateway,
    regions,
    async close() {
      await pstnGateway.close();
      await api.close();
    },
  };
}
