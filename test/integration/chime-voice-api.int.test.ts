/**
 * The local Chime SDK Voice REST API, driven only through the official client with an endpoint override:
 * numbers, orders, SIP media applications per region, SIP rules with regional failover targets, typed
 * errors, and the two call operations reaching the SmaCalls port (a recording stand-in here).
 */
import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  ChimeSDKVoiceClient,
  ChimeSDKVoiceServiceException,
  ConflictException,
  CreatePhoneNumberOrderCommand,
  CreateSipMediaApplicationCallCommand,
  CreateSipMediaApplicationCommand,
  CreateSipRuleCommand,
  DeletePhoneNumberCommand,
  DeleteSipMediaApplicationCommand,
  DeleteSipRuleCommand,
  GetGlobalSettingsCommand,
  GetPhoneNumberCommand,
  GetPhoneNumberOrderCommand,
  GetSipMediaApplicationCommand,
  GetSipRuleCommand,
  ListPhoneNumberOrdersCommand,
  ListPhoneNumbersCommand,
  ListSipMediaApplicationsCommand,
  ListSipRulesCommand,
  NotFoundException,
  type PhoneNumberOrder,
  SearchAvailablePhoneNumbersCommand,
  type SipMediaApplication,
  UpdateSipMediaApplicationCallCommand,
  UpdateSipMediaApplicationCommand,
  UpdateSipRuleCommand,
} from '@aws-sdk/client-chime-sdk-voice';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmaCalls, TransactionNotFoundError } from '../../infra/local/chime/telephony-ports.ts';
import { startVoiceApiServer, type VoiceApiServer } from '../../infra/local/chime/voice-api-server.ts';
import { VoiceStore } from '../../infra/local/chime/voice-store.ts';

const ACCOUNT = '123456789012';
const lambdaArn = (region: string, name = 'sma-handler') =>
  `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`;

type OutboundCall = Parameters<SmaCalls['createOutboundCall']>[0];
type CallUpdate = Parameters<SmaCalls['updateCall']>[0];

/** Stands in for the SMA engine: records what the API asks of it. */
class RecordingCalls implements SmaCalls {
  readonly placed: OutboundCall[] = [];
  readonly updates: CallUpdate[] = [];
  private readonly live = new Set<string>();

  createOutboundCall(input: OutboundCall): { transactionId: string } {
    this.placed.push(input);
    // A `/` in the id proves the server decodes path labels (the SDK sends it as %2F).
    const transactionId = `tx/${randomUUID()}`;
    this.live.add(transactionId);
    return { transactionId };
  }

  updateCall(input: CallUpdate): void {
    if (!this.live.has(input.transactionId)) throw new TransactionNotFoundError('Transaction not found');
    this.updates.push(input);
  }
}

const store = new VoiceStore({ accountId: ACCOUNT });
const calls = new RecordingCalls();
let server: VoiceApiServer;
let east: ChimeSDKVoiceClient;
let west: ChimeSDKVoiceClient;

const voiceClient = (region: string) =>
  new ChimeSDKVoiceClient({
    region,
    endpoint: server.endpoint,
    credentials: { accessKeyId: 'openlinelocal', secretAccessKey: 'openlinelocal' },
  });

beforeAll(async () => {
  server = await startVoiceApiServer({ port: 0, store, calls, defaultRegion: 'us-east-1' });
  east = voiceClient('us-east-1');
  west = voiceClient('us-west-2');
});

afterAll(async () => {
  east?.destroy();
  west?.destroy();
  await server?.close();
});

/**
 * The typed SDK exception a request failed with, after checking its type and HTTP status. The SDK keeps
 * the body's `Code` and moves its `Message` into `error.message`.
 */
async function failure<E extends ChimeSDKVoiceServiceException>(
  request: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  status: number,
): Promise<E> {
  const error = await request.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  const typed = error as E;
  expect(typed.$metadata.httpStatusCode).toBe(status);
  return typed;
}

async function settledOrder(orderId: string | undefined): Promise<PhoneNumberOrder> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { PhoneNumberOrder: order } = await east.send(
      new GetPhoneNumberOrderCommand({ PhoneNumberOrderId: orderId }),
    );
    if (order?.Status !== 'Processing') return order ?? {};
    if (Date.now() > deadline) throw new Error(`order ${orderId} still Processing`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Search → order → wait: a number of the account in the given area code. */
async function acquireNumber(areaCode: string): Promise<string> {
  const search = await east.send(
    new SearchAvailablePhoneNumbersCommand({ AreaCode: areaCode, Country: 'US', MaxResults: 1 }),
  );
  const number = search.E164PhoneNumbers?.[0] ?? '';
  const created = await east.send(
    new CreatePhoneNumberOrderCommand({
      ProductType: 'SipMediaApplicationDialIn',
      E164PhoneNumbers: [number],
    }),
  );
  expect((await settledOrder(created.PhoneNumberOrder?.PhoneNumberOrderId)).Status).toBe('Successful');
  return number;
}

async function createSma(
  client: ChimeSDKVoiceClient,
  region: string,
  name: string,
): Promise<SipMediaApplication> {
  const created = await client.send(
    new CreateSipMediaApplicationCommand({
      AwsRegion: region,
      Name: name,
      Endpoints: [{ LambdaArn: lambdaArn(region) }],
    }),
  );
  return created.SipMediaApplication ?? {};
}

describe('phone numbers', () => {
  it('searches, orders and acquires a number that then belongs to the account', async () => {
    const search = await east.send(
      new SearchAvailablePhoneNumbersCommand({
        AreaCode: '206',
        Country: 'US',
        PhoneNumberType: 'Local',
        MaxResults: 5,
      }),
    );
    expect(search.E164PhoneNumbers).toHaveLength(5);
    expect(search.NextToken).toEqual(expect.any(String));
    const number = search.E164PhoneNumbers?.[0] ?? '';
    expect(number).toMatch(/^\+120655501\d\d$/);

    const created = await east.send(
      new CreatePhoneNumberOrderCommand({
        ProductType: 'SipMediaApplicationDialIn',
        E164PhoneNumbers: [number],
        Name: 'main line',
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.PhoneNumberOrder).toMatchObject({
      Status: 'Processing',
      OrderType: 'New',
      ProductType: 'SipMediaApplicationDialIn',
      OrderedPhoneNumbers: [{ E164PhoneNumber: number, Status: 'Processing' }],
    });
    expect(created.PhoneNumberOrder?.CreatedTimestamp).toBeInstanceOf(Date);

    const order = await settledOrder(created.PhoneNumberOrder?.PhoneNumberOrderId);
    expect(order.Status).toBe('Successful');
    expect(order.OrderedPhoneNumbers).toEqual([{ E164PhoneNumber: number, Status: 'Acquired' }]);
    const orders = await east.send(new ListPhoneNumberOrdersCommand({}));
    expect(orders.PhoneNumberOrders?.map((o) => o.PhoneNumberOrderId)).toContain(order.PhoneNumberOrderId);

    const { PhoneNumber: got } = await east.send(new GetPhoneNumberCommand({ PhoneNumberId: number }));
    expect(got).toMatchObject({
      PhoneNumberId: number,
      E164PhoneNumber: number,
      Country: 'US',
      Type: 'Local',
      ProductType: 'SipMediaApplicationDialIn',
      Status: 'Unassigned',
      Associations: [],
      OrderId: order.PhoneNumberOrderId,
      Name: 'main line',
    });
    expect(got?.Capabilities?.InboundCall).toBe(true);
    expect(got?.UpdatedTimestamp).toBeInstanceOf(Date);
    expect(store.ownsNumber(number)).toBe(true);

    const listed = await east.send(
      new ListPhoneNumbersCommand({ Status: 'Unassigned', ProductType: 'SipMediaApplicationDialIn' }),
    );
    expect(listed.PhoneNumbers?.map((n) => n.E164PhoneNumber)).toContain(number);
    const again = await east.send(
      new SearchAvailablePhoneNumbersCommand({ AreaCode: '206', Country: 'US', MaxResults: 500 }),
    );
    expect(again.E164PhoneNumbers).not.toContain(number);
  });

  it('fails the part of an order whose numbers are taken or not for sale', async () => {
    const taken = await acquireNumber('212');
    const [free] =
      (await east.send(new SearchAvailablePhoneNumbersCommand({ AreaCode: '212', MaxResults: 1 })))
        .E164PhoneNumbers ?? [];
    const partial = await east.send(
      new CreatePhoneNumberOrderCommand({
        ProductType: 'SipMediaApplicationDialIn',
        E164PhoneNumbers: [free ?? '', taken, '+19995550100'],
      }),
    );
    const order = await settledOrder(partial.PhoneNumberOrder?.PhoneNumberOrderId);
    expect(order.Status).toBe('Partial');
    expect(order.OrderedPhoneNumbers?.map((n) => n.Status)).toEqual(['Acquired', 'Failed', 'Failed']);

    const failed = await east.send(
      new CreatePhoneNumberOrderCommand({
        ProductType: 'VoiceConnector',
        E164PhoneNumbers: ['+19995550101'],
      }),
    );
    expect((await settledOrder(failed.PhoneNumberOrder?.PhoneNumberOrderId)).Status).toBe('Failed');
  });

  it('deletes an unassociated number into the deletion queue', async () => {
    const number = await acquireNumber('415');
    const deleted = await east.send(new DeletePhoneNumberCommand({ PhoneNumberId: number }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    const { PhoneNumber: got } = await east.send(new GetPhoneNumberCommand({ PhoneNumberId: number }));
    expect(got?.Status).toBe('DeleteInProgress');
    expect(got?.DeletionTimestamp).toBeInstanceOf(Date);
    expect(store.ownsNumber(number)).toBe(false);
  });

  it('answers invalid searches and unknown numbers with typed errors', async () => {
    const noArea = await failure(
      east.send(new SearchAvailablePhoneNumbersCommand({ Country: 'US', PhoneNumberType: 'Local' })),
      BadRequestException,
      400,
    );
    expect(noArea.Code).toBe('BadRequest');
    await failure(
      east.send(new SearchAvailablePhoneNumbersCommand({ City: 'Seattle' })),
      BadRequestException,
      400,
    );
    await failure(
      east.send(new SearchAvailablePhoneNumbersCommand({ TollFreePrefix: '899' })),
      BadRequestException,
      400,
    );
    const missing = await failure(
      east.send(new GetPhoneNumberCommand({ PhoneNumberId: '+12065559999' })),
      NotFoundException,
      404,
    );
    expect(missing.Code).toBe('NotFound');
    await failure(
      east.send(
        new CreatePhoneNumberOrderCommand({
          ProductType: 'SipMediaApplicationDialIn',
          E164PhoneNumbers: ['206-555-0150'],
        }),
      ),
      BadRequestException,
      400,
    );
  });
});

describe('SIP media applications', () => {
  it('live in the region of the endpoint they were created through', async () => {
    const created = await east.send(
      new CreateSipMediaApplicationCommand({
        AwsRegion: 'us-east-1',
        Name: 'contact center',
        Endpoints: [{ LambdaArn: lambdaArn('us-east-1') }],
        Tags: [{ Key: 'app', Value: 'openline' }],
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    const sma = created.SipMediaApplication ?? {};
    expect(sma).toMatchObject({
      AwsRegion: 'us-east-1',
      Name: 'contact center',
      Endpoints: [{ LambdaArn: lambdaArn('us-east-1') }],
      SipMediaApplicationArn: `arn:aws:chime:us-east-1:${ACCOUNT}:sma/${sma.SipMediaApplicationId}`,
    });
    expect(sma.CreatedTimestamp).toBeInstanceOf(Date);
    const westSma = await createSma(west, 'us-west-2', 'contact center');

    const got = await east.send(
      new GetSipMediaApplicationCommand({ SipMediaApplicationId: sma.SipMediaApplicationId }),
    );
    expect(got.SipMediaApplication?.SipMediaApplicationId).toBe(sma.SipMediaApplicationId);
    await failure(
      west.send(new GetSipMediaApplicationCommand({ SipMediaApplicationId: sma.SipMediaApplicationId })),
      NotFoundException,
      404,
    );
    const eastIds = (await east.send(new ListSipMediaApplicationsCommand({}))).SipMediaApplications?.map(
      (s) => s.SipMediaApplicationId,
    );
    expect(eastIds).toContain(sma.SipMediaApplicationId);
    expect(eastIds).not.toContain(westSma.SipMediaApplicationId);

    const updated = await east.send(
      new UpdateSipMediaApplicationCommand({
        SipMediaApplicationId: sma.SipMediaApplicationId,
        Name: 'contact center v2',
        Endpoints: [{ LambdaArn: lambdaArn('us-east-1', 'sma-handler-v2') }],
      }),
    );
    expect(updated.SipMediaApplication).toMatchObject({
      Name: 'contact center v2',
      Endpoints: [{ LambdaArn: lambdaArn('us-east-1', 'sma-handler-v2') }],
    });
    expect(store.sipMediaApplication('us-east-1', sma.SipMediaApplicationId ?? '')?.lambdaArn).toBe(
      lambdaArn('us-east-1', 'sma-handler-v2'),
    );

    const deleted = await west.send(
      new DeleteSipMediaApplicationCommand({ SipMediaApplicationId: westSma.SipMediaApplicationId }),
    );
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    await failure(
      west.send(new GetSipMediaApplicationCommand({ SipMediaApplicationId: westSma.SipMediaApplicationId })),
      NotFoundException,
      404,
    );
  });

  it('rejects a bad name, a Lambda in another region and an unknown id with typed errors', async () => {
    const badName = await failure(
      east.send(
        new CreateSipMediaApplicationCommand({
          AwsRegion: 'us-east-1',
          Name: 'no/slashes!',
          Endpoints: [{ LambdaArn: lambdaArn('us-east-1') }],
        }),
      ),
      BadRequestException,
      400,
    );
    expect(badName.message).toMatch(/Name/);
    const elsewhere = await failure(
      east.send(
        new CreateSipMediaApplicationCommand({
          AwsRegion: 'us-east-1',
          Name: 'cc',
          Endpoints: [{ LambdaArn: lambdaArn('us-west-2') }],
        }),
      ),
      BadRequestException,
      400,
    );
    expect(elsewhere.message).toMatch(/LambdaArn/);
    await failure(
      east.send(new CreateSipMediaApplicationCommand({ AwsRegion: 'us-east-1', Name: 'cc', Endpoints: [] })),
      BadRequestException,
      400,
    );
    const unknown = await failure(
      east.send(new GetSipMediaApplicationCommand({ SipMediaApplicationId: randomUUID() })),
      NotFoundException,
      404,
    );
    expect(unknown.Code).toBe('NotFound');
  });
});

describe('SIP rules', () => {
  it('route a number to one SMA per region by priority, and free the number when deleted', async () => {
    const number = await acquireNumber('312');
    const primary = await createSma(east, 'us-east-1', 'cc-primary');
    const secondary = await createSma(west, 'us-west-2', 'cc-secondary');
    const created = await east.send(
      new CreateSipRuleCommand({
        Name: 'main-number',
        TriggerType: 'ToPhoneNumber',
        TriggerValue: number,
        Disabled: false,
        TargetApplications: [
          { SipMediaApplicationId: secondary.SipMediaApplicationId, Priority: 2, AwsRegion: 'us-west-2' },
          { SipMediaApplicationId: primary.SipMediaApplicationId, Priority: 1, AwsRegion: 'us-east-1' },
        ],
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    const ruleId = created.SipRule?.SipRuleId ?? '';
    expect(created.SipRule).toMatchObject({ Name: 'main-number', Disabled: false, TriggerValue: number });

    const { PhoneNumber: assigned } = await east.send(new GetPhoneNumberCommand({ PhoneNumberId: number }));
    expect(assigned?.Status).toBe('Assigned');
    expect(assigned?.Associations).toEqual([
      { Name: 'SipRuleId', Value: ruleId, AssociatedTimestamp: expect.any(Date) },
    ]);
    const byRule = await east.send(
      new ListPhoneNumbersCommand({ FilterName: 'SipRuleId', FilterValue: ruleId }),
    );
    expect(byRule.PhoneNumbers?.map((n) => n.E164PhoneNumber)).toEqual([number]);
    expect(store.inboundTargets(number)).toEqual([
      {
        sipRuleId: ruleId,
        priority: 1,
        region: 'us-east-1',
        sipMediaApplicationId: primary.SipMediaApplicationId,
        lambdaArn: lambdaArn('us-east-1'),
      },
      {
        sipRuleId: ruleId,
        priority: 2,
        region: 'us-west-2',
        sipMediaApplicationId: secondary.SipMediaApplicationId,
        lambdaArn: lambdaArn('us-west-2'),
      },
    ]);
    const bySma = await west.send(
      new ListSipRulesCommand({ SipMediaApplicationId: secondary.SipMediaApplicationId }),
    );
    expect(bySma.SipRules?.map((r) => r.SipRuleId)).toEqual([ruleId]);
    expect(
      (await east.send(new GetSipRuleCommand({ SipRuleId: ruleId }))).SipRule?.TargetApplications,
    ).toHaveLength(2);

    // Swapping priorities makes us-west-2 the first choice.
    const updated = await east.send(
      new UpdateSipRuleCommand({
        SipRuleId: ruleId,
        Name: 'main-number-west-first',
        TargetApplications: [
          { SipMediaApplicationId: primary.SipMediaApplicationId, Priority: 2, AwsRegion: 'us-east-1' },
          { SipMediaApplicationId: secondary.SipMediaApplicationId, Priority: 1, AwsRegion: 'us-west-2' },
        ],
      }),
    );
    expect(updated.$metadata.httpStatusCode).toBe(202);
    expect(updated.SipRule?.Name).toBe('main-number-west-first');
    expect(store.inboundTargets(number).map((t) => t.region)).toEqual(['us-west-2', 'us-east-1']);

    const stillUsed = await failure(
      east.send(
        new DeleteSipMediaApplicationCommand({ SipMediaApplicationId: primary.SipMediaApplicationId }),
      ),
      ConflictException,
      409,
    );
    expect(stillUsed.Code).toBe('Conflict');
    const enabled = await failure(
      east.send(new DeleteSipRuleCommand({ SipRuleId: ruleId })),
      ConflictException,
      409,
    );
    expect(enabled.message).toMatch(/disable/);
    const associated = await failure(
      east.send(new DeletePhoneNumberCommand({ PhoneNumberId: number })),
      ConflictException,
      409,
    );
    expect(associated.Code).toBe('PhoneNumberAssociationsExist');

    await east.send(new UpdateSipRuleCommand({ SipRuleId: ruleId, Name: 'main-number', Disabled: true }));
    expect(store.inboundTargets(number)).toEqual([]);
    const deleted = await east.send(new DeleteSipRuleCommand({ SipRuleId: ruleId }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    await failure(east.send(new GetSipRuleCommand({ SipRuleId: ruleId })), NotFoundException, 404);
    const { PhoneNumber: freed } = await east.send(new GetPhoneNumberCommand({ PhoneNumberId: number }));
    expect(freed?.Status).toBe('Unassigned');
    expect(freed?.Associations).toEqual([]);
  });

  it('rejects rules the service rejects', async () => {
    const number = await acquireNumber('312');
    const primary = await createSma(east, 'us-east-1', 'cc-rules');
    const target = {
      SipMediaApplicationId: primary.SipMediaApplicationId,
      Priority: 1,
      AwsRegion: 'us-east-1',
    };
    const rule = (overrides: Record<string, unknown>) =>
      east.send(
        new CreateSipRuleCommand({
          Name: 'rule',
          TriggerType: 'ToPhoneNumber',
          TriggerValue: number,
          TargetApplications: [target],
          ...overrides,
        }),
      );
    await failure(rule({ Name: 'bad/name' }), BadRequestException, 400);
    await failure(rule({ TriggerValue: '+12065559998' }), BadRequestException, 400);
    await failure(rule({ TargetApplications: [] }), BadRequestException, 400);
    await failure(rule({ TargetApplications: [{ ...target, Priority: 0 }] }), BadRequestException, 400);
    await failure(
      rule({ TargetApplications: [target, { ...target, Priority: 2 }] }),
      BadRequestException,
      400,
    );
    const wrongRegion = await failure(
      rule({ TargetApplications: [{ ...target, AwsRegion: 'us-west-2' }] }),
      BadRequestException,
      400,
    );
    expect(wrongRegion.message).toMatch(/TargetApplications\[0\]\.SipMediaApplicationId/);
    await rule({});
    await failure(rule({ Name: 'second' }), ConflictException, 409);
  });
});

describe('calls', () => {
  let from: string;
  let smaId: string;

  beforeAll(async () => {
    from = await acquireNumber('206');
    smaId = (await createSma(east, 'us-east-1', 'cc-calls')).SipMediaApplicationId ?? '';
  });

  it('places an outbound call through the SmaCalls port and updates it', async () => {
    const placed = await east.send(
      new CreateSipMediaApplicationCallCommand({
        SipMediaApplicationId: smaId,
        FromPhoneNumber: from,
        ToPhoneNumber: '+14255550123',
        SipHeaders: { 'X-Campaign-Id': 'c-42', 'User-to-User': '01abc' },
        ArgumentsMap: { campaignId: 'c-42' },
      }),
    );
    expect(placed.$metadata.httpStatusCode).toBe(201);
    const transactionId = placed.SipMediaApplicationCall?.TransactionId ?? '';
    expect(transactionId).toMatch(/^tx\//);
    expect(calls.placed.at(-1)).toEqual({
      region: 'us-east-1',
      sipMediaApplicationId: smaId,
      fromPhoneNumber: from,
      toPhoneNumber: '+14255550123',
      sipHeaders: { 'X-Campaign-Id': 'c-42', 'User-to-User': '01abc' },
      argumentsMap: { campaignId: 'c-42' },
    });

    const update = await east.send(
      new UpdateSipMediaApplicationCallCommand({
        SipMediaApplicationId: smaId,
        TransactionId: transactionId,
        Arguments: { command: 'bridge', agent: '+12065550142' },
      }),
    );
    expect(update.$metadata.httpStatusCode).toBe(202);
    expect(update.SipMediaApplicationCall?.TransactionId).toBe(transactionId);
    expect(calls.updates.at(-1)).toEqual({
      region: 'us-east-1',
      sipMediaApplicationId: smaId,
      transactionId,
      arguments: { command: 'bridge', agent: '+12065550142' },
    });
  });

  it('places one call for a request the SDK sends twice (a retry after a lost reply)', async () => {
    const before = calls.placed.length;
    const replies: unknown[] = [];
    const retrying = voiceClient('us-east-1');
    // Below the retry middleware: both sends carry the same amz-sdk-invocation-id, as a real retry does.
    retrying.middlewareStack.add(
      (next) => async (args) => {
        replies.push(await next(args));
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'sendTwice' },
    );
    const placed = await retrying.send(
      new CreateSipMediaApplicationCallCommand({
        SipMediaApplicationId: smaId,
        FromPhoneNumber: from,
        ToPhoneNumber: '+14255550124',
      }),
    );
    retrying.destroy();
    const transactionId = placed.SipMediaApplicationCall?.TransactionId;
    expect(transactionId).toMatch(/^tx\//);
    expect(replies).toEqual([
      expect.objectContaining({
        output: expect.objectContaining({ SipMediaApplicationCall: { TransactionId: transactionId } }),
      }),
    ]);
    expect(calls.placed).toHaveLength(before + 1);
  });

  it('rejects invalid outbound calls before they reach the engine', async () => {
    const before = calls.placed.length;
    const call = (overrides: Record<string, unknown>, client = east) =>
      client.send(
        new CreateSipMediaApplicationCallCommand({
          SipMediaApplicationId: smaId,
          FromPhoneNumber: from,
          ToPhoneNumber: '+14255550123',
          ...overrides,
        }),
      );
    const notOwned = await failure(call({ FromPhoneNumber: '+12065559997' }), BadRequestException, 400);
    expect(notOwned.message).toMatch(/FromPhoneNumber/);
    await failure(call({ ToPhoneNumber: 'not-a-number' }), BadRequestException, 400);
    await failure(call({ SipHeaders: { 'X-AMZN-Foo': 'x' } }), BadRequestException, 400);
    await failure(call({ SipHeaders: { Contact: 'x' } }), BadRequestException, 400);
    await failure(call({ SipHeaders: { 'X-Long': 'x'.repeat(2049) } }), BadRequestException, 400);
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    await failure(call({ ArgumentsMap: many }), BadRequestException, 400);
    // The SMA lives in us-east-1; the us-west-2 endpoint does not know it.
    await failure(call({}, west), BadRequestException, 400);
    expect(calls.placed).toHaveLength(before);
  });

  it('answers updates of unknown transactions with NotFound, and checks Arguments', async () => {
    const unknown = await failure(
      east.send(
        new UpdateSipMediaApplicationCallCommand({
          SipMediaApplicationId: smaId,
          TransactionId: randomUUID(),
          Arguments: { command: 'bridge' },
        }),
      ),
      NotFoundException,
      404,
    );
    expect(unknown.message).toBe('Transaction not found');
    await failure(
      west.send(
        new UpdateSipMediaApplicationCallCommand({
          SipMediaApplicationId: smaId,
          TransactionId: randomUUID(),
          Arguments: {},
        }),
      ),
      NotFoundException,
      404,
    );
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    await failure(
      east.send(
        new UpdateSipMediaApplicationCallCommand({
          SipMediaApplicationId: smaId,
          TransactionId: randomUUID(),
          Arguments: many,
        }),
      ),
      BadRequestException,
      400,
    );
  });
});

describe('operations outside the subset', () => {
  it('answer 404 UnknownOperationException', async () => {
    const error = await failure(
      east.send(new GetGlobalSettingsCommand({})),
      ChimeSDKVoiceServiceException,
      404,
    );
    expect(error.name).toBe('UnknownOperationException');
  });
});
