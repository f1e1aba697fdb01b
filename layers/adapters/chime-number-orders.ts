/**
 * Phone numbers from the Chime SDK Voice API: search, order (SipMediaApplicationDialIn), follow the order,
 * point the number at the SIP media applications with a SIP rule, and release. The same calls on AWS and
 * against the local emulator (spec §5.3-5.4).
 */
import {
  type ChimeSDKVoiceClient,
  ConflictException,
  CreatePhoneNumberOrderCommand,
  CreateSipRuleCommand,
  DeletePhoneNumberCommand,
  DeleteSipRuleCommand,
  GetPhoneNumberOrderCommand,
  GetSipRuleCommand,
  ListSipRulesCommand,
  NotFoundException,
  SearchAvailablePhoneNumbersCommand,
  UpdateSipRuleCommand,
} from '@aws-sdk/client-chime-sdk-voice';
import type { NumberOrders, OrderStatus, SipTarget } from '../domain/tenancy/provision-tenant.ts';

const TOLL_FREE_PREFIXES = ['800', '888', '877', '866', '855', '844', '833'];
/** Where "any local number" is looked for, the most populous states first. */
const US_STATES =
  'CA TX FL NY PA IL OH GA NC MI NJ VA WA AZ TN MA IN MD MO WI CO MN SC AL LA KY OR OK CT UT IA NV AR KS MS NM NE ID WV HI NH ME MT RI DE SD ND AK DC VT WY'.split(
    ' ',
  );

export class ChimeNumberOrders implements NumberOrders {
  constructor(private readonly voice: ChimeSDKVoiceClient) {}

  async search(query: {
    numberType: 'local' | 'toll-free';
    areaCode?: string;
    exclude: readonly string[];
  }): Promise<string[]> {
    // A US search must name a place or a toll-free prefix (spec §5.3): "any number" walks through them.
    const places =
      query.numberType === 'toll-free'
        ? TOLL_FREE_PREFIXES.map((p) => ({ TollFreePrefix: p }))
        : query.areaCode !== undefined
          ? [{ AreaCode: query.areaCode }]
          : US_STATES.map((s) => ({ State: s }));
    for (const place of places) {
      const found = await this.voice.send(
        new SearchAvailablePhoneNumbersCommand({
          Country: 'US',
          PhoneNumberType: query.numberType === 'toll-free' ? 'TollFree' : 'Local',
          ...place,
          MaxResults: Math.min(query.exclude.length + 5, 100),
        }),
      );
      const numbers = (found.E164PhoneNumbers ?? []).filter((n) => !query.exclude.includes(n));
      if (numbers.length > 0) return numbers;
    }
    return [];
  }

  async order(e164: string, name: string): Promise<string> {
    const order = await this.voice.send(
      new CreatePhoneNumberOrderCommand({
        ProductType: 'SipMediaApplicationDialIn',
        E164PhoneNumbers: [e164],
        Name: name,
      }),
    );
    const id = order.PhoneNumberOrder?.PhoneNumberOrderId;
    if (id === undefined) throw new Error(`the order for ${e164} came back without an id`);
    return id;
  }

  async orderStatus(orderId: string): Promise<OrderStatus> {
    const status = (await this.voice.send(new GetPhoneNumberOrderCommand({ PhoneNumberOrderId: orderId })))
      .PhoneNumberOrder?.Status;
    if (status === 'Successful') return 'successful';
    // One number per order: partial cannot happen, and cancelled or exception ends it like a failure.
    if (status === 'Failed' || status === 'Partial' || status === 'Cancelled' || status === 'Exception')
      return 'failed';
    return 'processing';
  }

  async sipRule(e164: string, name: string, targets: readonly SipTarget[]): Promise<string> {
    try {
      const rule = await this.voice.send(
        new CreateSipRuleCommand({
          Name: name,
          TriggerType: 'ToPhoneNumber',
          TriggerValue: e164,
          Disabled: false,
          TargetApplications: targets.map((t, i) => ({
            SipMediaApplicationId: t.sipMediaApplicationId,
            AwsRegion: t.region,
            Priority: i + 1,
          })),
        }),
      );
      const id = rule.SipRule?.SipRuleId;
      if (id === undefined) throw new Error(`the SIP rule for ${e164} came back without an id`);
      return id;
    } catch (error) {
      // Created by an earlier run of the same step: that rule is the one.
      if (!(error instanceof ConflictException)) throw error;
      const existing = await this.findRule(e164);
      if (existing === undefined) throw error;
      return existing;
    }
  }

  async deleteSipRule(sipRuleId: string): Promise<void> {
    // Only a disabled rule can be deleted (spec §5.4).
    await ignoreNotFound(
      (async () => {
        const rule = (await this.voice.send(new GetSipRuleCommand({ SipRuleId: sipRuleId }))).SipRule;
        if (rule?.Disabled !== true)
          await this.voice.send(
            new UpdateSipRuleCommand({
              SipRuleId: sipRuleId,
              Name: rule?.Name ?? 'openline',
              Disabled: true,
            }),
          );
        await this.voice.send(new DeleteSipRuleCommand({ SipRuleId: sipRuleId }));
      })(),
    );
  }

  async release(e164: string): Promise<void> {
    await ignoreNotFound(this.voice.send(new DeletePhoneNumberCommand({ PhoneNumberId: e164 })));
  }

  /** The SIP rule that routes a number, if any. */
  async findRule(e164: string): Promise<string | undefined> {
    let nextToken: string | undefined;
    do {
      const page = await this.voice.send(new ListSipRulesCommand({ MaxResults: 99, NextToken: nextToken }));
      const rule = page.SipRules?.find((r) => r.TriggerType === 'ToPhoneNumber' && r.TriggerValue === e164);
      if (rule?.SipRuleId !== undefined) return rule.SipRuleId;
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return undefined;
  }
}

async function ignoreNotFound(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (error) {
    if (!(error instanceof NotFoundException)) throw error;
  }
}

/**
 * Orders a number at once, for tools that wait on it (the local cloud's demo number, test tenants): search,
 * order, wait, and search again when another buyer won the number; then its SIP rule. Sign-up runs the
 * same steps as a saved job instead (layers/domain/tenancy/provision-tenant.ts).
 */
export async function orderNumberNow(
  orders: NumberOrders,
  request: {
    numberType: 'local' | 'toll-free';
    areaCode?: string;
    name: string;
    targets: readonly SipTarget[];
  },
): Promise<{ phoneNumber: string; sipRuleId: string }> {
  const tried: string[] = [];
  while (tried.length < 5) {
    const [phoneNumber] = await orders.search({ ...request, exclude: tried });
    if (phoneNumber === undefined) throw new Error(`no ${request.numberType} number is available`);
    const orderId = await orders.order(phoneNumber, request.name);
    const deadline = Date.now() + 30_000;
    let status = await orders.orderStatus(orderId);
    while (status === 'processing' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      status = await orders.orderStatus(orderId);
    }
    if (status === 'successful')
      return { phoneNumber, sipRuleId: await orders.sipRule(phoneNumber, request.name, request.targets) };
    if (status === 'processing') throw new Error(`the order for ${phoneNumber} did not complete within 30 s`);
    tried.push(phoneNumber);
  }
  throw new Error(`every number tried was taken by another order: ${tried.join(', ')}`);
}
