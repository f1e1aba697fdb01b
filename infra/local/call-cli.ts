/**
 * `npm run call -- --to <E.164> [--from <E.164>] [--digits <keys>] [--say <text>] [--hangup-after <s>]
 * [--timeout <s>] [--json] [--url <local cloud>]`: dials the running local contact center through the
 * virtual PSTN, prints the call as it happens and, with --json, ends with one JSON object.
 *
 * Digits: each comma-separated group of keys is pressed when the next prompt that takes input starts
 * ("1" answers the first menu; "2,1" answers two menus in turn), as a caller presses on hearing a question.
 */
import { PstnClient } from './chime/pstn-client.ts';
import { describeHeard, type Heard } from './chime/virtual-pstn.ts';
import { portDefaults } from './local-settings.ts';

interface Options {
  to: string;
  from: string;
  digits: string[];
  say: string | undefined;
  hangupAfterS: number | undefined;
  maxHoldS: number;
  timeoutS: number;
  json: boolean;
  url: string;
}

const usage = `Usage: npm run call -- --to <E.164> [--from <E.164>] [--digits <keys>] [--say <text>]
                        [--hangup-after <seconds>] [--max-hold <seconds>] [--timeout <seconds>]
                        [--json] [--url <url>]

  --to            the number to call (GET /health lists the local numbers; npm start prints them)
  --from          the caller's number (default +14255550123)
  --digits        keys to press; a comma waits for the next prompt that takes input ("2,1")
  --say           words the caller speaks when someone first speaks to them (an agent greeting them)
  --hangup-after  hang up this many seconds after the call connects
  --max-hold      hang up after this many seconds in which only the same audio repeats, as on hold
                  (default 30; 0 waits for ever)
  --timeout       give up after this many seconds (default 120)
  --json          end with one JSON object describing the call
  --url           the local cloud (default http://127.0.0.1:$OPENLINE_PORT, or :${portDefaults.OPENLINE_PORT})`;

const E164 = /^\+[1-9]\d{6,14}$/;

function parse(argv: string[]): Options | 'help' {
  const options = {
    to: '',
    from: '+14255550123',
    digits: [] as string[],
    say: undefined as string | undefined,
    hangupAfterS: undefined as number | undefined,
    maxHoldS: 30,
    timeoutS: 120,
    json: false,
    url: `http://127.0.0.1:${process.env.OPENLINE_PORT ?? portDefaults.OPENLINE_PORT}`,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--to') options.to = value();
    else if (arg === '--from') options.from = value();
    else if (arg === '--digits') options.digits = value().split(',');
    else if (arg === '--say') options.say = value();
    else if (arg === '--hangup-after') options.hangupAfterS = Number(value());
    else if (arg === '--timeout') options.timeoutS = Number(value());
    else if (arg === '--max-hold') options.maxHoldS = Number(value());
    else if (arg === '--json') options.json = true;
    else if (arg === '--url') options.url = value().replace(/\/+$/, '');
    else throw new Error(`unknown option '${arg}'`);
  }
  if (!E164.test(options.to)) throw new Error('--to needs an E.164 number, like +12065550100');
  if (!E164.test(options.from)) throw new Error('--from needs an E.164 number');
  if (options.digits.some((group) => !/^[0-9*#]*$/.test(group)))
    throw new Error('--digits takes 0-9, * and #');
  if (options.hangupAfterS !== undefined && !(options.hangupAfterS > 0))
    throw new Error('--hangup-after needs seconds > 0');
  if (!(options.timeoutS > 0)) throw new Error('--timeout needs seconds > 0');
  if (!(options.maxHoldS >= 0)) throw new Error('--max-hold needs seconds >= 0');
  return options;
}

async function main(): Promise<number> {
  let options: Options | 'help';
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`call: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const o = options;
  const print = (line: string) => {
    if (!o.json) process.stdout.write(`${line}\n`);
  };
  let client: PstnClient;
  try {
    const health = await fetch(`${o.url}/health`, { signal: AbortSignal.timeout(5_000) });
    if (!health.ok && health.status !== 503) throw new Error(`GET /health answered ${health.status}`);
    client = await PstnClient.connect(o.url);
  } catch (error) {
    process.stderr.write(
      `call: no local cloud at ${o.url} (${(error as Error).message}); start it with npm start\n`,
    );
    return 1;
  }
  client.on('failure', (error: Error) => process.stderr.write(`call: ${error.message}\n`));

  print(`calling ${o.to} from ${o.from} through ${o.url}`);
  const call = await client.dial(o.from, o.to);
  const pending = [...o.digits];
  // On hold the caller hears music that asks for nothing, again and again; a caller who has heard nothing
  // new for a while gives up, as a real one would.
  let onHold = false;
  let holdTimer: NodeJS.Timeout | undefined;
  let previous: string | undefined;
  let said = false;
  call.on('heard', ({ item }: { item: Heard }) => {
    print(`  hears ${describeHeard(item)}`);
    const heard = describeHeard(item);
    // A person spoke (an agent's greeting): the caller answers with its line, once.
    if (item.kind === 'voice' && said === false && o.say !== undefined) {
      said = true;
      print(`  says ${o.say}`);
      call.say(o.say);
    }
    const repeat = item.kind === 'audio' && heard === previous;
    previous = heard;
    if (!repeat) {
      clearTimeout(holdTimer);
      // Hold is audio that asks for nothing (music, not a menu prompt); speech never starts the clock.
      if (item.kind === 'audio' && item.input !== true && o.maxHoldS > 0) {
        holdTimer = setTimeout(() => {
          if (call.state === 'ended') return;
          onHold = true;
          print(`  hangs up after ${o.maxHoldS} s without hearing anything new`);
          call.hangup();
        }, o.maxHoldS * 1000);
      }
    }
    if ('input' in item && item.input === true && pending.length > 0) {
      const keys = pending.shift() as string;
      if (keys !== '') {
        print(`  presses ${keys}`);
        call.press(keys);
      }
    }
  });
  call.on('state', () => {
    if (call.state === 'connected') {
      print(`  connected after ${(((call.connectedAt ?? 0) - call.startedAt) / 1000).toFixed(1)} s`);
      if (o.hangupAfterS !== undefined) {
        setTimeout(() => {
          print('  hangs up');
          call.hangup();
        }, o.hangupAfterS * 1000);
      }
    }
    if (call.state === 'ended') {
      const r = call.endReason;
      print(`  ended: ${r?.detail ?? 'ended'} (by ${r?.by}, SIP ${r?.sipCode})`);
    }
  });

  let outcome: 'ended' | 'held' | 'timeout' = 'ended';
  try {
    await call.waitFor('ended', o.timeoutS * 1000);
    await call.waitForLog(5_000);
    if (onHold) outcome = 'held';
  } catch {
    outcome = 'timeout';
    call.hangup();
    print(`  gave up after ${o.timeoutS} s`);
  }
  clearTimeout(holdTimer);
  client.close();
  if (o.json) {
    const summary = {
      callId: call.callId,
      transactionId: call.transactionId,
      from: o.from,
      to: o.to,
      outcome,
      finalState: call.state,
      answered: call.connectedAt !== undefined,
      endReason: call.endReason,
      heard: call.heard,
      digitsSent: call.digitsSent,
      unusedDigits: pending.filter((g) => g !== ''),
      durationMs: Date.now() - call.startedAt,
      invocations: call.log ?? [],
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  }
  return outcome === 'timeout' ? 1 : 0;
}

process.exitCode = await main();
