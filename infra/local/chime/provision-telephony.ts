/**
 * Gives the local contact center a working phone number the way sign-up will on AWS: through the official
 * Chime SDK Voice client, search → order → wait for the order → one SIP media application per region →
 * a SIP rule targeting them by priority (primary region first).
 */
import {
  type ChimeSDKVoiceClient,
  CreatePhoneNumberOrderCommand,
  CreateSipMediaApplicationCommand,
  CreateSipRuleCommand,
  GetPhoneNumberOrderCommand,
  SearchAvailablePhoneNumbersCommand,
} from '@aws-sdk/client-chime-sdk-voice';

export interface ProvisionedNumber {
  readonly phoneNumber: string;
  readonly sipRuleId: string;
  readonly sipMediaApplications: { region: string; sipMediaApplicationId: string }[];
}

export async function provisionNumber(options: {
  /** One client per region, primary first. */
  clients: { region: string; client: ChimeSDKVoiceClient }[];
  lambdaArn: (region: string) => string;
  name: string;
  areaCode: string;
}): Promise<ProvisionedNumber> {
  const primary = options.clients[0];
  if (primary === undefined) throw new Error('provisionNumber needs at least one region');
  const search = await primary.client.send(
    new SearchAvailablePhoneNumbersCommand({
      AreaCode: options.areaCode,
      Country: 'US',
      PhoneNumberType: 'Local',
      MaxResults: 1,
    }),
  );
  const phoneNumber = search.E164PhoneNumbers?.[0];
  if (phoneNumber === undefined) throw new Error(`no number available in area code ${options.areaCode}`);
  const order = await primary.client.send(
    new CreatePhoneNumberOrderCommand({
      ProductType: 'SipMediaApplicationDialIn',
      E164PhoneNumbers: [phoneNumber],
      Name: options.name,
    }),
  );
  const orderId = order.PhoneNumberOrder?.PhoneNumberOrderId;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = (
      await primary.client.send(new GetPhoneNumberOrderCommand({ PhoneNumberOrderId: orderId }))
    ).PhoneNumberOrder?.Status;
    if (status === 'Successful') break;
    if (status === 'Failed' || status === 'Partial')
      throw new Error(`the order for ${phoneNumber} ended ${status}`);
    if (Date.now() > deadline) throw new Error(`the order for ${phoneNumber} did not complete within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const sipMediaApplications: ProvisionedNumber['sipMediaApplications'] = [];
  for (const { region, client } of options.clients) {
    const sma = await client.send(
      new CreateSipMediaApplicationCommand({
        AwsRegion: region,
        Name: `${options.name}-${region}`,
        Endpoints: [{ LambdaArn: options.lambdaArn(region) }],
      }),
    );
    sipMediaApplications.push({
      region,
      sipMediaApplicationId: sma.SipMediaApplication?.SipMediaApplicationId as string,
    });
  }
  const rule = await primary.client.send(
    new CreateSipRuleCommand({
      Name: options.name,
      TriggerType: 'ToPhoneNumber',
      TriggerValue: phoneNumber,
      Disabled: false,
      TargetApplications: sipMediaApplications.map((s, i) => ({
        SipMediaApplicationId: s.sipMediaApplicationId,
        AwsRegion: s.region,
        Priority: i + 1,
      })),
    }),
  );
  return { phoneNumber, sipRuleId: rule.SipRule?.SipRuleId as string, sipMediaApplications };
}
