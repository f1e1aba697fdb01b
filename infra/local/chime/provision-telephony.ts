/**
 * The local cloud's telephony, made the way a deployment and sign-up make it on AWS, through the official
 * Chime SDK Voice client: the platform's SIP media application in each region (invoking call-control),
 * recorded as the targets of every number's SIP rule; and the demo tenant's number, ordered and pointed at
 * them (primary region first).
 */
import { ChimeSDKVoiceClient, CreateSipMediaApplicationCommand } from '@aws-sdk/client-chime-sdk-voice';
import { ChimeNumberOrders, orderNumberNow } from '../../../layers/adapters/chime-number-orders.ts';
import type { SipTarget } from '../../../layers/domain/tenancy/provision-tenant.ts';
import { localCredentials } from '../local-credentials.ts';

export interface ProvisionedNumber {
  readonly phoneNumber: string;
  readonly sipRuleId: string;
  readonly sipMediaApplications: readonly SipTarget[];
}

/** One SIP media application per region, primary first, each invoking the given function of its region. */
export async function createPlatformSipMediaApplications(options: {
  endpoint: string;
  regions: readonly string[];
  lambdaArn: (region: string) => string;
}): Promise<SipTarget[]> {
  const targets: SipTarget[] = [];
  for (const region of options.regions) {
    const client = new ChimeSDKVoiceClient({
      region,
      endpoint: options.endpoint,
      credentials: localCredentials,
    });
    try {
      const sma = await client.send(
        new CreateSipMediaApplicationCommand({
          AwsRegion: region,
          Name: `openline-${region}`,
          Endpoints: [{ LambdaArn: options.lambdaArn(region) }],
        }),
      );
      targets.push({
        region,
        sipMediaApplicationId: sma.SipMediaApplication?.SipMediaApplicationId as string,
      });
    } finally {
      client.destroy();
    }
  }
  return targets;
}

export async function provisionNumber(options: {
  endpoint: string;
  region: string;
  targets: readonly SipTarget[];
  name: string;
  areaCode?: string;
  numberType?: 'local' | 'toll-free';
}): Promise<ProvisionedNumber> {
  const client = new ChimeSDKVoiceClient({
    region: options.region,
    endpoint: options.endpoint,
    credentials: localCredentials,
  });
  try {
    const ordered = await orderNumberNow(new ChimeNumberOrders(client), {
      numberType: options.numberType ?? 'local',
      ...(options.areaCode === undefined ? {} : { areaCode: options.areaCode }),
      name: options.name,
      targets: options.targets,
    });
    return { ...ordered, sipMediaApplications: options.targets };
  } finally {
    client.destroy();
  }
}
