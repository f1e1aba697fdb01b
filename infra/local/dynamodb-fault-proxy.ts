/**
 * A fault-injecting HTTP proxy in front of DynamoDB Local. The handlers reach DynamoDB through it by their
 * ordinary `AWS_ENDPOINT_URL_DYNAMODB`; it answers the share of requests the local faults ask for with
 * DynamoDB's own ThrottlingException / TransactionCanceledException(TransactionConflict) responses and
 * passes everything else through untouched. Stream reads (DynamoDB Streams shares the endpoint) are never
 * faulted: their throttling is another error, which nothing here claims to emulate.
 */
import {
  Agent,
  createServer,
  request as forward,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type FaultResponse,
  throttlingResponse,
  transactItemCount,
  transactionConflictResponse,
} from './dynamodb-fault-responses.ts';
import type { LocalFaults } from './fault-injection.ts';

export interface DynamoDbFaultProxy {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startDynamoDbFaultProxy(options: {
  upstream: string;
  faults: LocalFaults;
  port?: number;
}): Promise<DynamoDbFaultProxy> {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const { faults } = options;

  const fault = (target: string, body: string): FaultResponse | undefined => {
    if (!target.startsWith('DynamoDB_20120810.')) return undefined;
    const { throttle, conflict } = faults.settings.dynamodb;
    const counts = faults.counts.dynamodb;
    counts.requests += 1;
    if (throttle > 0 && faults.random() < throttle) {
      counts.throttled += 1;
      return throttlingResponse();
    }
    if (conflict > 0 && target.endsWith('.TransactWriteItems') && faults.random() < conflict) {
      const items = transactItemCount(body);
      if (items === 0) return undefined;
      counts.conflicts += 1;
      return transactionConflictResponse(items, Math.floor(faults.random() * items));
    }
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const injected = fault(String(req.headers['x-amz-target'] ?? ''), body.toString('utf8'));
    if (injected !== undefined) {
      res.writeHead(injected.statusCode, {
        ...injected.headers,
        'content-length': Buffer.byteLength(injected.body),
      });
      res.end(injected.body);
      return;
    }
    const out = forward(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', (error) => {
      // DynamoDB Local went away: answer as a dead endpoint would, with the connection closed.
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(error.message));
    });
    out.end(body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
