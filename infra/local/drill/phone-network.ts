/**
 * The drill's stand-in for AWS's global phone network: the Chime SDK Voice emulator and the virtual PSTN in
 * the drill's own process, apart from the regions. It holds the platform's SIP media application in each
 * region, each invoking that region's call-control over Lambda's Invoke API in the region's own process,
 * so a region that is down fails its invocations and the SIP rule moves to the next target. It is never
 * told that a region went down.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { smaFunctions } from '../../../functions/routes.ts';
import type { SipTarget } from '../../../layers/domain/tenancy/provision-tenant.ts';
import { type ChimeEmulator, startChimeEmulator } from '../chime/chime-emulator.ts';
import { lambdaArn } from '../chime/function-registry.ts';
import { createPlatformSipMediaApplications } from '../chime/provision-telephony.ts';
import { lambdaInvokeUrl } from '../lambda-invoke-endpoint.ts';
import { localCredentials } from '../local-credentials.ts';

export interface NetworkRegion {
  readonly region: string;
  /** The region's web port, where its SMA functions answer Lambda's Invoke API. */
  readonly webUrl: string;
  /** The region's S3, where its SMA reads prompts and writes recordings. */
  readonly s3Endpoint: string;
}

export interface PhoneNetwork {
  readonly chime: ChimeEmulator;
  /** The Chime API endpoint the regions' handlers call. */
  readonly chimeEndpoint: string;
  /** Where phones and agents' meeting seats connect (PstnClient.connect / HeadlessAgent's pstnUrl). */
  readonly pstnUrl: string;
  /** The platform's SIP media applications, primary first: every number's SIP rule targets them. */
  readonly sipTargets: readonly SipTarget[];
  close(): Promise<void>;
}

export async function startPhoneNetwork(regions: readonly NetworkRegion[]): Promise<PhoneNetwork> {
  const s3 = new Map(
    regions.map((r) => [
      r.region,
      new S3Client({
        region: r.region,
        endpoint: r.s3Endpoint,
        credentials: localCredentials,
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
    ]),
  );
  const s3Of = (region: string): S3Client => {
    const client = s3.get(region);
    if (client === undefined) throw new Error(`no region ${region} in the drill's phone network`);
    return client;
  };
  // The virtual PSTN's WebSocket gets a port of its own (npm start puts it on the web port).
  const pstnServer: Server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => pstnServer.listen(0, '127.0.0.1', resolve));
  const pstnUrl = `http://127.0.0.1:${(pstnServer.address() as AddressInfo).port}`;
  const chime = await startChimeEmulator({
    port: 0,
    regions: regions.map((r) => r.region),
    s3: s3Of,
    meetingSignalingUrl: `${pstnUrl.replace(/^http/, 'ws')}/_pstn/ws`,
  });
  pstnServer.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname === chime.pstnGateway.path)
      chime.pstnGateway.upgrade(req, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });
  for (const r of regions)
    for (const fn of Object.values(smaFunctions))
      chime.functions.registerHttp(fn.name, lambdaInvokeUrl(r.webUrl, fn.name), r.region);
  const sipTargets = await createPlatformSipMediaApplications({
    endpoint: chime.endpoint,
    regions: regions.map((r) => r.region),
    lambdaArn: (region) => lambdaArn(region, smaFunctions.callControl.name),
  });
  return {
    chime,
    chimeEndpoint: chime.endpoint,
    pstnUrl,
    sipTargets,
    async close() {
      await chime.close();
      await new Promise<void>((resolve) => {
        pstnServer.close(() => resolve());
        pstnServer.closeAllConnections();
      });
      for (const client of s3.values()) client.destroy();
    },
  };
}
