/**
 * Recorded-call tests of the IVR: a scripted caller dials a test tenant's number through the local cloud's
 * virtual PSTN; the SIP media application invokes functions/call-control, which runs the tenant's published
 * flow. One test per node kind and per way a caller can go wrong.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWav } from '../../infra/local/chime/audio-store.ts';
import { PstnClient } from '../../infra/local/chime/pstn-client.ts';
import { objectKeys } from '../../layers/resources/buckets.ts';
import { liveKeys } from '../../layers/resources/keys.ts';
import { type IvrTenant, ivrTenant } from '../support/ivr-tenant.ts';
import { localCloud } from '../support/local-cloud.ts';
import { ScriptedCaller } from '../support/scripted-caller.ts';

const cloud = localCloud();
const say = (text: string, zh?: string) => ({
  say: zh === undefined ? { 'en-US': text } : { 'en-US': text, 'cmn-CN': zh },
});
const flow = (nodes: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  name: 'test flow',
  languages: ['en-US'],
  start: 'start',
  nodes,
  ...extra,
});
const bye = { type: 'hangup', prompt: say('Bye.') };
const holdMusic = /audio: s3:\/\/[^/]+\/platform\/prompts\/hold-music\.wav/;

let tenant: IvrTenant;
let phones: PstnClient;

beforeAll(async () => {
  tenant = await ivrTenant(cloud, 'ivr');
  phones = await PstnClient.connect(cloud.webUrl);
});
afterAll(() => phones?.close());

async function callRecord(transactionId: string) {
  const item = await cloud.clients.documents.send(
    new GetCommand({
      TableName: cloud.config.tables.live,
      Key: liveKeys.call(tenant.tenant, transactionId),
      ConsistentRead: true,
    }),
  );
  return item.Item;
}

describe('menus', () => {
  it('plays, asks, routes a key to a queue with hold music, and records where the call went', async () => {
    await tenant.publish(
      flow({
        start: { type: 'play', prompt: say('Hello.'), next: 'menu' },
        menu: {
          type: 'menu',
          prompt: say('Press 1.'),
          options: { '1': 'queue' },
          timeoutSeconds: 2,
          exhausted: 'bye',
        },
        queue: { type: 'enqueue', queue: 'sales', priority: 7, prompt: say('Queued.') },
        bye,
      }),
    );
    const call = await ScriptedCaller.dial(tenant.number);
    await call.hears(/Hello\./);
    await call.hears(/Press 1\./);
    call.press('1');
    await call.hears(/Queued\./);
    await call.hears(holdMusic);
    call.hangUp();
    const log = await call.log();
    const transactionId = call.call.transactionId ?? '';
    expect(await callRecord(transactionId)).toMatchObject({
      status: 'ended',
      queue: { id: 'sales', priority: 7 },
      caller: '+14255550188',
      dialled: tenant.number,
    });
    expect(log.length).toBeGreaterThan(0);
  });

  it('says why after a wrong key and after silence, then gives up to the exhausted target', async () => {
    await tenant.publish(
      flow({
        start: {
          type: 'menu',
          prompt: say('Choose.'),
          options: { '1': 'bye' },
          timeoutSeconds: 1,
          attempts: 3,
          invalidPrompt: say('Wrong key.'),
          timeoutPrompt: say('Nothing pressed.'),
          exhausted: 'gaveUp',
        },
        gaveUp: { type: 'hangup', prompt: say('Too many tries.') },
        bye,
      }),
    );
    const call = await ScriptedCaller.dial(tenant.number);
    await call.hears(/Choose\./);
    call.press('5');
    await call.hears(/Wrong key\./);
    await call.hears(/Choose\./);
    await call.hears(/Nothing pressed\./);
    await call.hears(/Choose\./);
    call.press('#'); // the terminator with nothing before it: no entry
    await call.hears(/Nothing pressed\./);
    await call.hears(/Too many tries\./);
    await call.ends();
  });

  it('offers # as a menu key (the terminator moves to *)', async () => {
    await tenant.publish(
      flow({
        start: {
          type: 'menu',
          prompt: say('Press pound.'),
          options: { '#': 'bye' },
          timeoutSeconds: 3,
          exhausted: 'start',
        },
        bye,
      }),
    );
    const call = await ScriptedCaller.dial(tenant.number);
    await call.hears(/Press pound\./);
    call.press('#');
    await call.hears(/Bye\./);
    await call.ends();
  });

  it('ends the call record when the caller hangs up mid-menu', async () => {
    await tenant.publish(
      flow({
        start: {
          type: 'menu',
          prompt: say('Still there?'),
          options: { '1': 'bye' },
          timeoutSeconds: 10,
          exhausted: 'bye',
        },
        bye,
      }),
    );
    const call = await ScriptedCaller.dial(tenant.number);
    await call.hears(/Still there\?/);
    call.hangUp();
    await call.log();
    await expect.poll(async () => (await callRecord(call.call.transactionId ?? ''))?.status).toBe('ended');
    const record = await callRecord(call.call.transactionId ?? '');
    expect(record?.endedAt).toEqual(expect.any(String));
    expect(record?.gsi1pk).toBeUndefined(); // off the wallboard's active calls
  });
});

describe('recorded prompts', () => {
  it('plays the tenant prompt files, and skips one that is missing instead of going silent', async () => {
    const key = objectKeys.prompt(tenant.tenant, 'greeting');
    await cloud.clients.s3.send(
      new PutObjectCommand({
        Bucket: cloud.config.buckets.prompts,
        Key: key,
        Body: makeWav({ sampleRate: 8000, channels: 1, durationMs: 300 }),
      }),
    );
    await tenant.publish(
      flow({
        start: { type: 'play', prompt: { audio: { 'en-US': 'greeting' } }, next: 'missing' },
        missing: { type: 'play', prompt: { audio: { 'en-US': 'not-uploaded' } }, next: 'menu' },
        menu: {
          type: 'menu',
          prompt: { audio: { 'en-US': 'greeting' } },
          options: { '1': 'bye' },
          timeoutSeconds: 2,
          exhausted: 'bye',
        },
        bye,
      }),
    );
    const call = await ScriptedCaller.dial(tenant.number);
    await call.hears(new RegExp(`audio: s3://${cloud.config.buckets.prompts}/${key}`));
    // The missing file fails its PlayAudio (and the rest of that list); the menu is asked again on its own.
    const menu = await call.hears(new RegExp(`audio: s3://${cloud.config.buckets.prompts}/${key}`));
    expect(menu).toMatchObject({ input: true });
    call.press('1');
    await call.hears(/Bye\./);
    await call.ends();
  });
});

describe('input, language, attributes and branches', () => {
  it('collects digits up to the terminator, refuses a bad entry, and speaks the stored attribute', async () => {
    await tenant.publish(
      flow({
        start: {
          type: 'collect',
          prompt: say('Enter your PIN.'),
          attribute: 'pin',
          minDigits: 4,
          maxDigits: 6,
          pattern: '^[1-9]',
          terminator: '#',
          timeoutSeconds: 3,
          invalidPrompt: say('Not a PIN.'),
          next: 'echo',
          exhausted: 'bye',
        },
        echo: { type: 'hangup', prompt: say('You entered {{pin}}.') },
        bye,
      }),
    );
    const call = await ScriptedCaller.dial(tenant.number);
    await call.hears(/Enter your PIN\./);
    call.press('0123#');
    await call.hears(/Not a PIN\./);
    await call.hears(/Enter your PIN\./);
    call.press('4321#');
    await call.hears(/You entered 4321\./);
    await call.ends();
  });

  it('switches language for the rest of the call, branches on the caller and sets attributes', async () => {
    await tenant.publish(
      flow(
        {
          start: {
            type: 'menu',
            prompt: say('Press 2 for Mandarin.', '中文请按2。'),
            options: { '2': 'zh' },
            exhausted: 'bye',
          },
          zh: { type: 'setLanguage', language: 'cmn-CN', next: 'who' },
          who: {
            type: 'branch',
            on: 'caller',
            cases: [{ op: 'startsWith', value: '+1425', next: 'vip' }],
            otherwise: 'bye',
          },
          vip: { type: 'setAttribute', values: { tier: 'gold' }, next: 'tier' },
          tier: {
            type: 'branch',
            on: 'tier',
            cases: [{ op: 'in', value: ['gold', 'platinum'], next: 'greet' }],
            otherwise: 'bye',
          },
          greet: { type: 'hangup', prompt: say('Hello {{tier}} member.', '您好，{{tier}}会员。') },
          bye: { type: 'hangup', prompt: say('Bye.', '再见。') },
        },
        { languages: ['en-US', 'cmn-CN'] },
      ),
    );
    const call = await ScriptedCaller.dial(tenant.number);
    await call.hears(/Press 2 for Mandarin\./);
    call.press('2');
    const greeting = await call.hears(/您好，gold会员。/);
    expect(greeting).toMatchObject({ kind: 'speech', voiceId: 'Zhiyu', languageCode: 'cmn-CN' });
    await call.ends();
  });
});

describe('running out of attempts', () => {
  it('goes to the exhausted target after every collection attempt timed out', async () => {
    await tenant.publish(
      flow({
        start: {
          type: 'collect',
          prompt: say('Account?'),
          attribute: 'account',
          timeoutSeconds: 1,
          attempts: 2,
          timeoutPrompt: say('No entry.'),
          next: 'bye',
          exhausted: 'gaveUp',
        },
        gaveUp: { type: 'hangup', prompt: say('Call back later.') },
        bye,
      }),
    );
    const call = await ScriptedCaller.dial(tenant.number);
    await call.hears(/Account\?/);
    await call.hears(/No entry\./);
    await call.hears(/Account\?/);
    await call.hears(/No entry\./);
    await call.hears(/Call back later\./);
    await call.ends();
  });
});

describe('business hours', () => {
  const hours = (weekly: Record<string, string[][]>, holidays: string[] = []) =>
    flow({
      start: {
        type: 'hours',
        timezone: 'Pacific/Auckland',
        weekly,
        holidays,
        open: 'open',
        closed: 'closed',
      },
      open: { type: 'hangup', prompt: say('We are open.') },
      closed: { type: 'hangup', prompt: say('We are closed.') },
    });
  const allWeek = (periods: string[][]) =>
    Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, periods]));

  it('routes by the schedule in the tenant time zone, and closes on holidays', async () => {
    await tenant.publish(hours(allWeek([['00:00', '24:00']])));
    const open = await ScriptedCaller.dial(tenant.number);
    await open.hears(/We are open\./);
    await open.ends();

    await tenant.publish(hours({}));
    const closed = await ScriptedCaller.dial(tenant.number);
    await closed.hears(/We are closed\./);
    await closed.ends();

    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Auckland' }).format(new Date());
    await tenant.publish(hours(allWeek([['00:00', '24:00']]), [today]));
    const holiday = await ScriptedCaller.dial(tenant.number);
    await holiday.hears(/We are closed\./);
    await holiday.ends();
  });
});

describe('data lookups', () => {
  const lookupFlow = (url: string, timeoutMs = 1000) =>
    flow({
      start: {
        type: 'collect',
        prompt: say('Order number?'),
        attribute: 'order',
        minDigits: 5,
        maxDigits: 5,
        timeoutSeconds: 3,
        next: 'lookup',
        exhausted: 'bye',
      },
      lookup: { type: 'lookup', url, timeoutMs, resultPrefix: 'o', next: 'found', fallback: 'failed' },
      found: { type: 'hangup', prompt: say('Order {{order}} is {{o.status}}.') },
      failed: { type: 'hangup', prompt: say('Lookup failed: {{o.error}}.') },
      bye,
    });
  const orders = `${cloud.webUrl}/_demo/orders/{{order}}`;

  it('stores the reply as attributes the next prompt speaks', async () => {
    await tenant.publish(lookupFlow(orders));
    const call = await ScriptedCaller.dial(tenant.number);
    await call.hears(/Order number\?/);
    call.press('12345');
    await call.hears(/Order 12345 is shipped\./);
    await call.ends();
  });

  it('falls back when the service answers an error or too late', async () => {
    await tenant.publish(lookupFlow(orders, 500));
    const missing = await ScriptedCaller.dial(tenant.number);
    await missing.hears(/Order number\?/);
    missing.press('55555');
    await missing.hears(/Lookup failed: http-404\./);
    await missing.ends();

    const slow = await ScriptedCaller.dial(tenant.number);
    await slow.hears(/Order number\?/);
    slow.press('99999');
    await slow.hears(/Lookup failed: timeout\./);
    await slow.ends();
  });
});

describe('sensitive input', () => {
  let payments: Server;
  const received: unknown[] = [];
  beforeAll(async () => {
    payments = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"approved":"yes"}');
      });
    });
    await new Promise<void>((r) => payments.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise((r) => payments.close(r)));

  it('posts a card number to the lookup, keeps it masked in the call record, and forgets it at the end', async () => {
    const port = (payments.address() as AddressInfo).port;
    await tenant.publish(
      flow({
        start: {
          type: 'collect',
          prompt: say('Card number?'),
          attribute: 'card',
          minDigits: 16,
          maxDigits: 16,
          timeoutSeconds: 3,
          sensitive: true,
          next: 'pay',
          exhausted: 'bye',
        },
        pay: {
          type: 'lookup',
          url: `http://127.0.0.1:${port}/pay`,
          method: 'POST',
          send: ['card'],
          resultPrefix: 'payment',
          next: 'done',
          fallback: 'bye',
        },
        done: {
          type: 'menu',
          prompt: say('Approved: {{payment.approved}}.'),
          options: { '1': 'bye' },
          timeoutSeconds: 5,
          exhausted: 'bye',
        },
        bye,
      }),
    );
    const call = await ScriptedCaller.dial(tenant.number);
    await call.hears(/Card number\?/);
    call.press('4111111111111111');
    await call.hears(/Approved: yes\./);
    expect(received.at(-1)).toEqual({ method: 'POST', body: { card: '4111111111111111' } });
    call.hangUp();
    await call.log();
    const record = await callRecord(call.call.transactionId ?? '');
    expect(record?.attributes).toMatchObject({ card: '************1111', 'payment.approved': 'yes' });
    expect(record?.secrets).toBeUndefined();
    expect(JSON.stringify(record)).not.toContain('4111111111111111');
  });
});

describe('transfer and voicemail', () => {
  it('bridges the caller to an external number that answers', async () => {
    const desk = `+1206555${String(Math.floor(Math.random() * 9000) + 1000)}`;
    phones.subscribe(desk, 'answer', 200);
    await tenant.publish(
      flow({
        start: { type: 'transfer', number: desk, prompt: say('Transferring.'), failed: 'bye' },
        bye,
      }),
    );
    const answered = new Promise<import('../../infra/local/chime/pstn-client.ts').RemoteCall>((resolve) =>
      phones.on('incoming', (c) => {
        if (c.to === desk) resolve(c);
      }),
    );
    const call = await ScriptedCaller.dial(tenant.number);
    await call.hears(/Transferring\./);
    await call.hears(/ringback/);
    const agent = await answered;
    expect(agent.from).toBe(tenant.number); // the tenant's number as caller id
    await agent.waitFor('connected');
    call.call.say('I need help');
    await agent.waitToHear(/I need help/);
    agent.say('Happy to help');
    await call.hears(/voice: Happy to help/);
    agent.hangup();
    await call.ends();
    await call.log();
    await expect.poll(async () => (await callRecord(call.call.transactionId ?? ''))?.status).toBe('ended');
  });

  it('hangs up the transferred-to party when the caller hangs up', async () => {
    const desk = `+1206555${String(Math.floor(Math.random() * 9000) + 1000)}`;
    phones.subscribe(desk, 'answer', 100);
    await tenant.publish(flow({ start: { type: 'transfer', number: desk, failed: 'bye' }, bye }));
    const answered = new Promise<import('../../infra/local/chime/pstn-client.ts').RemoteCall>((resolve) =>
      phones.on('incoming', (c) => {
        if (c.to === desk) resolve(c);
      }),
    );
    const call = await ScriptedCaller.dial(tenant.number);
    const agent = await answered;
    await agent.waitFor('connected');
    call.hangUp();
    await agent.waitFor('ended');
    expect(agent.endReason).toMatchObject({ by: 'far-end' });
    await call.log();
    expect(await callRecord(call.call.transactionId ?? '')).toMatchObject({
      status: 'ended',
      endReason: 'caller-hung-up',
    });
  });

  it('takes a voicemail when the transfer is not answered, and keeps where the message is', async () => {
    const busy = `+1206555${String(Math.floor(Math.random() * 9000) + 1000)}`;
    phones.subscribe(busy, 'busy');
    await tenant.publish(
      flow({
        start: { type: 'transfer', number: busy, failed: 'vm' },
        vm: { type: 'voicemail', prompt: say('Leave a message.'), maxSeconds: 5, next: 'bye' },
        bye,
      }),
    );
    const call = await ScriptedCaller.dial(tenant.number);
    await call.hears(/ringback/);
    await call.hears(/Leave a message\./);
    await call.hears(/audio: s3:\/\/[^/]+\/platform\/prompts\/beep\.wav/);
    call.press('#');
    await call.hears(/Bye\./);
    await call.ends();
    await call.log();
    const record = await callRecord(call.call.transactionId ?? '');
    const location = String(record?.attributes?.['voicemail.location'] ?? '');
    expect(location).toMatch(new RegExp(`^s3://[^/]+/tenants/${tenant.tenant}/voicemail/`));
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(location) ?? [];
    const head = await cloud.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBeGreaterThan(44);
  });
});

describe('the call-control handler', () => {
  let service: Server;
  let requests = 0;
  beforeAll(async () => {
    service = createServer((_req, res) => {
      requests += 1;
      // Slow enough that two concurrent copies of one invocation overlap.
      setTimeout(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}'),
        150,
      );
    });
    await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise((r) => service.close(r)));

  it('answers a duplicated SMA event (same event twice, at once) identically, with one side effect', async () => {
    const port = (service.address() as AddressInfo).port;
    await tenant.publish(
      flow({
        start: {
          type: 'lookup',
          url: `http://127.0.0.1:${port}/status`,
          timeoutMs: 2000,
          resultPrefix: 's',
          next: 'said',
          fallback: 'bye',
        },
        said: { type: 'hangup', prompt: say('Status {{s.status}}.') },
        bye,
      }),
    );
    // The handler module runs in this process with the local cloud's environment, as Lambda would run it.
    Object.assign(process.env, cloud.env);
    const { handler } = await import('../../functions/call-control/handler.ts');
    const transactionId = randomUUID();
    const event = {
      SchemaVersion: '1.0' as const,
      Sequence: 1,
      InvocationEventType: 'NEW_INBOUND_CALL' as const,
      CallDetails: {
        TransactionId: transactionId,
        AwsAccountId: '000000000000',
        AwsRegion: 'us-east-1',
        SipRuleId: 'rule',
        SipMediaApplicationId: 'sma',
        Participants: [
          {
            CallId: randomUUID(),
            ParticipantTag: 'LEG-A' as const,
            To: tenant.number,
            From: '+14255550199',
            Direction: 'Inbound' as const,
            StartTimeInMilliseconds: String(Date.now()),
          },
        ],
      },
    };
    requests = 0;
    const [first, second] = await Promise.all([
      handler(structuredClone(event)),
      handler(structuredClone(event)),
    ]);
    expect(second).toEqual(first);
    expect(first.Actions?.[0]).toMatchObject({ Type: 'Speak', Parameters: { Text: 'Status ready.' } });
    expect(requests).toBe(1);
    // A late third copy (the SMA's retry after 5 s) gets the stored answer too.
    expect(await handler(structuredClone(event))).toEqual(first);
    expect(requests).toBe(1);
    const record = await callRecord(transactionId);
    expect(record).toMatchObject({ status: 'ivr', attributes: { 's.status': 'ready' } });
  });
});
