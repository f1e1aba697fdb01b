/**
 * The Lambda functions a local SIP media application can invoke, by ARN: handler modules of functions/
 * loaded in-process, or handlers in another process reached over HTTP (POST the event, get the response).
 */
import type { SmaEvent } from '../../../layers/adapters/sma-protocol.ts';
import type { SmaHandler } from './sma-engine.ts';

export const LOCAL_ACCOUNT_ID = '000000000000';

export function lambdaArn(region: string, functionName: string): string {
  return `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`;
}

export class FunctionRegistry {
  private readonly functions = new Map<string, SmaHandler>();

  /** Registers a handler under a function name, in every region (ARN region is ignored on lookup). */
  register(functionName: string, handler: SmaHandler): void {
    this.functions.set(functionName, handler);
  }

  registerModule(functionName: string, moduleUrl: URL): void {
    let loaded: Promise<SmaHandler> | undefined;
    this.register(functionName, async (event) => {
      loaded ??= import(moduleUrl.href).then((m: { handler?: unknown }) => {
        if (typeof m.handler !== 'function')
          throw new Error(`${moduleUrl.pathname} does not export a handler`);
        return m.handler as SmaHandler;
      });
      return (await loaded)(event);
    });
  }

  /** A handler in another process: the event is POSTed as JSON and the JSON reply is the response. */
  registerHttp(functionName: string, url: string): void {
    this.register(functionName, async (event: SmaEvent) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      return response.json();
    });
  }

  resolve(arn: string): SmaHandler | undefined {
    const name =
      /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(:[A-Za-z0-9_$-]+)?$/.exec(
        arn,
      )?.[1];
    return name === undefined ? undefined : this.functions.get(name);
  }
}
