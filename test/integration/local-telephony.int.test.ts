/**
 * Telephony of the running local cloud, end to end: the official Chime SDK Voice client (built by the
 * config module) orders a number, creates a SIP media application in each region and a SIP rule with two
 * regional targets, places an outbound call to a virtual phone and updates it while it is live; a region
 * taken down sends calls to the standby region; `npm run call` dials the demo number.
 *
 * The tests of this file share the local cloud's regions, so they run one after another (vitest runs the
 * tests of one file in order), and no other test file dials through the local cloud's emulator.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateAttendeeCommand,
  CreateMeetingCommand,
  DeleteMeetingCommand,
  GetMeetingCommand,
  ListAttendeesCommand,
  BadRequestException as MeetingBadRequestException,
  NotFoundException as MeetingNotFoundException,
} from '@aws-sdk/client-chime-sdk-meetings';
import {
  BadRequestException,
  ChimeSDKVoiceClient,
  CreatePhoneNumberOrderCommand,
  CreateSipMediaApplicationCallCommand,
  CreateSipMediaApplicationCommand,
  CreateSipRuleCommand,
  GetPhoneNumberCommand,
  GetPhoneNumberOrderCommand,
  NotFoundException,
  SearchAvailablePhoneNumbersCommand,
  UpdateSipMediaApplicationCallCommand,
} from '@aws-sdk/client-chime-sdk-voice';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PstnClient, type RemoteCall } from '../../infra/local/chime/pstn-client.ts';
import type { SmaAction, SmaEvent, SmaResponse } from '../../layers/adapters/sma-protocol.ts';
import { runCli as runCliTool } from '../support/cli.ts';
import { localCloud } from '../support/local-cloud.ts';

const cloud = localCloud();
const [primary, standby] = ['us-east-1', 'us-west-2'] as const;
const functionName = `test-telephony-${randomUUID().slice(0, 8)}`;
const arn = (region: string) => `arn:aws:lambda:${region}:000000000000:function:${functionName}`;

/** A handler in this process that the local cloud's SMAs invoke over HTTP; each test scripts it. */
const events: SmaEvent[] = [];
let script: (event: SmaEvent) => SmaAction[] = () => [];
let handlerServer: Server;
let pstn: PstnClient;
const voice = {
  [primary]: cloud.clients.chimeSdkVoice,
  [standby]: new ChimeSDKVoiceClient({
    region: standby,
    endpoint: cloud.config.endpoints.chimeSdkVoice,
    credentials: { accessKeyId: cloud.env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: 'local' },
  }),
};
let number = '';
let sipRuleId = '';
const smaIds: Record<string, string> = {};

const control = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${cloud.webUrl}/_emulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const legA = (e: SmaEvent) =>
  e.CallDetails.Participants.find((p) => p.ParticipantTag === 'LEG-A')?.CallId ?? '';
const speak = (e: SmaEvent, text: string): SmaAction => ({
  Type: 'Speak',
  Parameters: { CallId: legA(e), Text: text, Engine: 'neural', VoiceId: 'Joanna' },
});
const hangup: SmaAction = { Type: 'Hangup', Parameters: { SipResponseCode: '0' } };
const eventsOf = (transactionId: string) =>
  events.filter((e) => e.CallDetails.TransactionId === transactionId);
const waitUntil = async (done: () => boolean, what: string, timeoutMs = 15_000) => {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

beforeAll(async () => {
  handlerServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SmaEvent;
      events.push(event);
      const reply: SmaResponse = { SchemaVersion: '1.0', Actions: script(event) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((r) => handlerServer.listen(0, '127.0.0.1', r));
  const port = (handlerServer.address() as AddressInfo).port;
  const registered = await control('PUT', `functions/${functionName}`, { url: `http://127.0.0.1:${port}/` });
  expect(registered.status).toBe(200);
  pstn = await PstnClient.connect(cloud.webUrl);
});

afterAll(async () => {
  await control('POST', `regions/${primary}`, { status: 'up' });
  pstn?.close();
  voice[standby].destroy();
  await new Promise((r) => handlerServer?.close(r));
});

describe('the local cloud through the official Chime SDK Voice client', () => {
  it('orders a number, creates an SMA per region and a SIP rule with two prioritised targets', async () => {
    const client = voice[primary];
    const found = await client.send(
      new SearchAvailablePhoneNumbersCommand({ AreaCode: '212', Country: 'US', MaxResults: 1 }),
    );
    number = found.E164PhoneNumbers?.[0] ?? '';
    expect(number).toMatch(/^\+1212555\d{4}$/);
    const order = await client.send(
      new CreatePhoneNumberOrderCommand({
        ProductType: 'SipMediaApplicationDialIn',
        E164PhoneNumbers: [number],
      }),
    );
    const orderId = order.PhoneNumberOrder?.PhoneNumberOrderId;
    let status = order.PhoneNumberOrder?.Status;
    while (status === 'Processing') {
      await new Promise((r) => setTimeout(r, 50));
      status = (await client.send(new GetPhoneNumberOrderCommand({ PhoneNumberOrderId: orderId })))
        .PhoneNumberOrder?.Status;
    }
    expect(status).toBe('Successful');

    for (const region of [primary, standby]) {
      const sma = await voice[region].send(
        new CreateSipMediaApplicationCommand({
          AwsRegion: region,
          Name: `${functionName}-${region}`,
          Endpoints: [{ LambdaArn: arn(region) }],
        }),
      );
      smaIds[region] = sma.SipMediaApplication?.SipMediaApplicationId ?? '';
    }
    const rule = await client.send(
      new CreateSipRuleCommand({
        Name: functionName,
        TriggerType: 'ToPhoneNumber',
        TriggerValue: number,
        TargetApplications: [
          { SipMediaApplicationId: smaIds[primary], AwsRegion: primary, Priority: 1 },
          { SipMediaApplicationId: smaIds[standby], AwsRegion: standby, Priority: 2 },
        ],
      }),
    );
    sipRuleId = rule.SipRule?.SipRuleId ?? '';
    const owned = await client.send(new GetPhoneNumberCommand({ PhoneNumberId: number }));
    expect(owned.PhoneNumber?.Status).toBe('Assigned');
    expect(owned.PhoneNumber?.Associations).toEqual([
      expect.objectContaining({ Name: 'SipRuleId', Value: sipRuleId }),
    ]);
  });

  it('routes a call to the number to the priority 1 region, and to the standby region when it is down', async () => {
    script = (e) =>
      e.InvocationEventType === 'NEW_INBOUND_CALL'
        ? [speak(e, `region ${e.CallDetails.AwsRegion}`), hangup]
        : [];
    const dialAndHear = async () => {
      const call = await pstn.dial('+14255550111', number);
      const heard = await call.waitToHear(/region/);
      await call.waitForLog();
      const first = eventsOf(call.transactionId ?? '')[0];
      return { heard, first };
    };
    expect((await dialAndHear()).heard).toMatchObject({ text: `region ${primary}` });

    try {
      expect((await control('POST', `regions/${primary}`, { status: 'down' })).body).toEqual({
        regions: { [primary]: 'down', [standby]: 'up' },
      });
      const { heard, first } = await dialAndHear();
      expect(heard).toMatchObject({ text: `region ${standby}` });
      expect(first?.InvocationEventType).toBe('NEW_INBOUND_CALL');
      expect(first?.CallDetails).toMatchObject({
        AwsRegion: standby,
        SipRuleId: sipRuleId,
        SipMediaApplicationId: smaIds[standby],
      });
      const health = (await (await fetch(`${cloud.webUrl}/health`)).json()) as {
        telephony: { regions: unknown };
      };
      expect(health.telephony.regions).toEqual({ [primary]: 'down', [standby]: 'up' });
    } finally {
      await control('POST', `regions/${primary}`, { status: 'up' });
    }
    expect((await dialAndHear()).heard).toMatchObject({ text: `region ${primary}` });
  });

  it('places an outbound call to a virtual phone and updates it while it is live', async () => {
    const callee = '+14155550177';
    const answered = new Promise<RemoteCall>((resolve) => pstn.once('incoming', resolve));
    pstn.subscribe(callee, 'answer', 100);
    script = (e) => {
      if (e.InvocationEventType === 'CALL_ANSWERED')
        return [{ Type: 'Pause', Parameters: { CallId: legA(e), DurationInMilliseconds: '50000' } }];
      if (e.InvocationEventType === 'CALL_UPDATE_REQUESTED') {
        const args = e.ActionData?.Parameters?.Arguments as Record<string, string>;
        return [speak(e, `Your agent is ${args.agent}`), hangup];
      }
      return [];
    };
    const placed = await voice[primary].send(
      new CreateSipMediaApplicationCallCommand({
        SipMediaApplicationId: smaIds[primary],
        FromPhoneNumber: number,
        ToPhoneNumber: callee,
        ArgumentsMap: { campaignId: 'c-42' },
      }),
    );
    const transactionId = placed.SipMediaApplicationCall?.TransactionId ?? '';
    const phone = await answered;
    expect(phone.from).toBe(number);
    await phone.waitFor('connected');
    await waitUntil(
      () => eventsOf(transactionId).some((e) => e.InvocationEventType === 'CALL_ANSWERED'),
      'CALL_ANSWERED',
    );

    const updated = await voice[primary].send(
      new UpdateSipMediaApplicationCallCommand({
        SipMediaApplicationId: smaIds[primary],
        TransactionId: transactionId,
        Arguments: { agent: 'Ada' },
      }),
    );
    expect(updated.$metadata.httpStatusCode).toBe(202);
    expect(updated.SipMediaApplicationCall?.TransactionId).toBe(transactionId);
    await phone.waitToHear(/Your agent is Ada/);
    await phone.waitFor('ended');
    await waitUntil(() => eventsOf(transactionId).at(-1)?.InvocationEventType === 'HANGUP', 'HANGUP');

    const seen = eventsOf(transactionId).map(
      (e) => `${e.InvocationEventType}${e.ActionData?.Type ? `(${e.ActionData.Type})` : ''}`,
    );
    expect(seen).toEqual([
      'NEW_OUTBOUND_CALL',
      'RINGING',
      'CALL_ANSWERED',
      'CALL_UPDATE_REQUESTED(CallUpdateRequest)',
      'ACTION_INTERRUPTED(Pause)',
      'HANGUP(Hangup)',
    ]);
    const first = eventsOf(transactionId)[0];
    expect(first?.ActionData?.Parameters).toMatchObject({ Arguments: { campaignId: 'c-42' } });
    expect(first?.CallDetails.SipRuleId).toBeUndefined();
    expect(first?.CallDetails.Participants[0]).toMatchObject({
      Direction: 'Outbound',
      To: callee,
      From: number,
    });

    const log = await control('GET', `calls/${encodeURIComponent(transactionId)}/log`);
    expect(log.status).toBe(200);
    expect((log.body.entries as unknown[]).length).toBeGreaterThanOrEqual(6);

    // The call is over: updating it now is a typed NotFoundException, as on AWS.
    await expect(
      voice[primary].send(
        new UpdateSipMediaApplicationCallCommand({
          SipMediaApplicationId: smaIds[primary],
          TransactionId: transactionId,
          Arguments: { agent: 'Ada' },
        }),
      ),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  it('joins a caller to a Chime SDK meeting where an agent talks with them, until the meeting ends', async () => {
    const meetings = cloud.clients.chimeSdkMeetings;
    const { Meeting } = await meetings.send(
      new CreateMeetingCommand({
        MediaRegion: primary,
        ExternalMeetingId: 'agent-17-session',
        ClientRequestToken: randomUUID(),
      }),
    );
    const meetingId = Meeting?.MeetingId ?? '';
    expect(Meeting?.MediaPlacement?.SignalingUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/_pstn\/ws$/);
    const attendee = async (externalUserId: string) =>
      (
        await meetings.send(
          new CreateAttendeeCommand({ MeetingId: meetingId, ExternalUserId: externalUserId }),
        )
      ).Attendee ?? {};
    const agentSeat = await attendee('agent-17');
    const callerSeat = await attendee('caller-leg');
    // ExternalUserId is an idempotency token: asking again gives the same attendee.
    expect(await attendee('agent-17')).toEqual(agentSeat);
    const listed = await meetings.send(new ListAttendeesCommand({ MeetingId: meetingId }));
    expect(listed.Attendees?.map((a) => a.ExternalUserId).sort()).toEqual(['agent-17', 'caller-leg']);
    expect(listed.Attendees?.every((a) => a.JoinToken === undefined)).toBe(true);

    const agent = await pstn.joinMeeting(meetingId, agentSeat.JoinToken ?? '');
    await agent.waitFor('connected');
    script = (e) => {
      if (e.InvocationEventType === 'NEW_INBOUND_CALL')
        return [
          {
            Type: 'JoinChimeMeeting',
            Parameters: { CallId: legA(e), JoinToken: callerSeat.JoinToken, MeetingId: meetingId },
          },
        ];
      if (e.InvocationEventType === 'HANGUP' && e.ActionData?.Parameters?.ParticipantTag === 'LEG-B')
        return [
          speak(e, 'Your agent has left. Goodbye.'),
          { Type: 'Hangup', Parameters: { ParticipantTag: 'LEG-A' } },
        ];
      return [];
    };
    const call = await pstn.dial('+14255550112', number);
    await call.waitFor('connected');
    call.say('hello, is anyone there');
    await agent.waitToHear(/hello, is anyone there/);
    agent.say('this is Ada, how can I help');
    await call.waitToHear(/this is Ada/);

    await meetings.send(new DeleteMeetingCommand({ MeetingId: meetingId }));
    await agent.waitFor('ended');
    await call.waitToHear(/agent has left/);
    await call.waitFor('ended');
    await expect(meetings.send(new GetMeetingCommand({ MeetingId: meetingId }))).rejects.toBeInstanceOf(
      MeetingNotFoundException,
    );
    await expect(pstn.joinMeeting(meetingId, agentSeat.JoinToken ?? '')).rejects.toThrow(
      /cannot join the meeting/,
    );
    await expect(
      meetings.send(new CreateMeetingCommand({ MediaRegion: 'mars-north-1', ExternalMeetingId: 'x-1' })),
    ).rejects.toBeInstanceOf(MeetingBadRequestException);
  });

  it('answers bad requests with typed SDK errors', async () => {
    await expect(
      voice[primary].send(
        new CreateSipMediaApplicationCallCommand({
          SipMediaApplicationId: smaIds[primary],
          FromPhoneNumber: 'not-a-number',
          ToPhoneNumber: '+14155550177',
        }),
      ),
    ).rejects.toBeInstanceOf(BadRequestException);
    await expect(
      voice[primary].send(
        new UpdateSipMediaApplicationCallCommand({
          SipMediaApplicationId: smaIds[primary],
          TransactionId: randomUUID(),
          Arguments: {},
        }),
      ),
    ).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('emulator controls', () => {
  it('refuse bad input with a clear message and change nothing', async () => {
    expect(await control('POST', 'regions/eu-north-9', { status: 'down' })).toEqual({
      status: 404,
      body: { message: expect.stringContaining('no region') },
    });
    expect((await control('POST', `regions/${primary}`, { status: 'sideways' })).status).toBe(400);
    expect(
      (await control('PUT', 'functions/openline-call-control', { url: 'http://127.0.0.1:1/' })).status,
    ).toBe(409);
    expect((await control('PUT', 'functions/elsewhere', { url: 'http://example.com/' })).status).toBe(400);
    expect((await control('GET', 'calls/nope/log')).status).toBe(404);
    expect((await control('GET', 'regions')).body).toEqual({ regions: { [primary]: 'up', [standby]: 'up' } });
  });
});

describe('npm run call', () => {
  const demoNumber = async () => {
    const health = (await (await fetch(`${cloud.webUrl}/health`)).json()) as {
      telephony: { numbers: { phoneNumber: string }[] };
    };
    return health.telephony.numbers[0]?.phoneNumber ?? '';
  };
  const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
  const heardTexts = (summary: { heard: { kind: string; text?: string; key?: string }[] }) =>
    summary.heard.map((h) => (h.kind === 'speech' ? h.text : `${h.kind}:${h.key ?? ''}`));

  it('dials the demo number, answers two prompts, and hears the order status from the lookup', async () => {
    const demo = await demoNumber();
    expect(demo).toMatch(/^\+1\d{10}$/);
    const run = await runCli(['--to', demo, '--digits', '3,12345#', '--json', '--url', cloud.webUrl]);
    expect(run.code, run.stderr).toBe(0);
    const summary = lastJson(run.stdout);
    expect(summary).toMatchObject({
      to: demo,
      outcome: 'ended',
      finalState: 'ended',
      answered: true,
      endReason: { by: 'far-end' },
      digitsSent: '312345#',
      unusedDigits: [],
    });
    expect(summary.transactionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(heardTexts(summary)).toEqual([
      'Welcome to the Openline demo shop.',
      expect.stringMatching(/^For sales, press 1\./),
      'Please enter your five digit order number, then press the pound key.',
      'Order 12345 is shipped. It will arrive on Friday.',
      expect.stringMatching(/^To speak with support, press 1/),
      'Thank you for calling. Goodbye.',
    ]);
    const types = summary.invocations
      .filter((i: { kind: string }) => i.kind === 'invocation')
      .map((i: { event: SmaEvent }) => i.event.InvocationEventType);
    expect(types[0]).toBe('NEW_INBOUND_CALL');
    expect(types.at(-1)).toBe('HANGUP');
  });

  it('explains bad options with exit code 2', async () => {
    const run = await runCli(['--to', '12345']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--to needs an E\.164 number/);
  });
});

function runCli(args: string[]) {
  return runCliTool('infra/local/call-cli.ts', args);
}
