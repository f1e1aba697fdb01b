/**
 * A small order system for the demo tenant's data lookup, served by `npm start` under /_demo/orders/<id>:
 * known orders answer JSON, unknown ones 404, and order 99999 answers too late (a lookup timeout to try).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEMO_ORDERS } from './demo-flow.ts';

export const DEMO_ORDER_PATH = '/_demo';
/** Longer than any lookup may wait (3 s at most). */
const SLOW_ORDER_DELAY_MS = 4_000;

export function serveDemoOrders(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  const match = /^\/_demo\/orders\/([^/]+)$/.exec(url.pathname);
  if (match === null) return false;
  const id = decodeURIComponent(match[1] as string);
  const reply = (status: number, body: unknown) =>
    res
      .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify(body));
  if (req.method !== 'GET') {
    reply(405, { message: 'orders are read with GET' });
    return true;
  }
  const order = DEMO_ORDERS[id];
  if (id === '99999') {
    const timer = setTimeout(
      () => reply(200, { orderNumber: id, status: 'lost in the post', detail: '' }),
      SLOW_ORDER_DELAY_MS,
    );
    res.on('close', () => clearTimeout(timer));
  } else if (order === undefined) reply(404, { message: `no order ${id}` });
  else reply(200, { orderNumber: id, ...order });
  return true;
}
