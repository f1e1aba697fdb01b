/**
 * The Lambda functions a local SIP media application can invoke, by ARN: handler modules of functions/
 * loaded in-process, or handlers in another process reached over HTTP (POST the event, get the response).
 * A function registered for one region answers only ARNs of that region (the failover drill runs each
 * region in its own process); one registered without a region answers the name in every region (`npm
 * start` hosts both regions' call-control in one process).
 */
import type { SmaEvent } from '../../../layers/adapters/sma-protocol.ts';
import type { SmaHandler } from './sma-engine.ts';

export const LOCAL_ACCOUNT_ID = '000000000000';

export function lambdaArn(region: string, functionName: string): string {
  return `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`;
}

export class FunctionRegistry {
  private readonly functions = new Map<string, SmaHandler>();

  /** Registers a handler under a function name, in one region or (without one) in every region. */
  register(functionName: string, handler: SmaHandler, region?: string): void {
    this.functions.set(registryKey(functionName, region), handler);
  }

  registerModule(functionName: string, moduleUrl: URL, region?: string): void {
    let loaded: Promise<SmaHandler> | undefined;
    this.register(
      functionName,
      async (event) => {
        loaded ??= import(moduleUrl.href).then((m: { handler?: unknown }) => {
          if (typeof m.handler !== 'function')
            throw new Error(`${moduleUrl.pathname} does not export a handler`);
          return m.handler as SmaHandler;
        });
        return (await loaded)(event);
      },
      region,
    );
  }

  /** A handler in another process: the event is POSTed as JSON and the JSON reply is the response. */
  registerHttp(functionName: string, url: string, region?: string): void {
    this.register(
      functionName,
      async (event: SmaEvent) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(event),
        });
        if (!response.ok) throw new Error(`${url} answered ${response.status}`);
        return response.json();
      },
      region,
    );
  }

  /** The handler for an ARN: its region's own registration first, then one valid in every region. */
  resolve(arn: string): SmaHandler | undefined {
    const match =
      /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):\d{12}:function:([A-Za-z0-9_-]+)(:[A-Za-z0-9_$-]+)?$/.exec(arn);
    if (match === null) return undefined;
    const [, region, name] = match as unknown as [string, string, string];
    return this.functions.get(registryKey(name, region)) ?? this.functions.get(registryKey(name, undefined));
  }
}

function registryKey(functionName: string, region: string | undefined): string {
  return `${region ?? '*'}/${functionName}`;
}
