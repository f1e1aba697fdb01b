/**
 * The live WebSocket: offers and state changes pushed by the contact center. It reconnects by itself (1 s,
 * then up to 10 s apart) and says so, so the page can tell the user and catch up when it is back.
 */
import type { Session } from './session.ts';

export type SocketStatus = 'connecting' | 'connected' | 'reconnecting';

export interface LiveSocket {
  close(): void;
}

export function openLiveSocket(
  session: Session,
  handlers: {
    onEvent(event: Record<string, unknown> & { type: string }): void;
    onStatus(status: SocketStatus): void;
  },
): LiveSocket {
  let socket: WebSocket | undefined;
  let closed = false;
  let delay = 1_000;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(session.idToken)}`;

  const connect = () => {
    socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      delay = 1_000;
      handlers.onStatus('connected');
      // API Gateway closes idle connections after 10 minutes.
      keepAlive = setInterval(() => socket?.send(JSON.stringify({ action: 'ping' })), 5 * 60_000);
    });
    socket.addEventListener('message', (message) => {
      try {
        const event = JSON.parse(String(message.data)) as Record<string, unknown>;
        if (typeof event.type === 'string')
          handlers.onEvent(event as Record<string, unknown> & { type: string });
      } catch {
        // Not an event of ours: ignored.
      }
    });
    socket.addEventListener('close', () => {
      clearInterval(keepAlive);
      if (closed) return;
      handlers.onStatus('reconnecting');
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10_000);
    });
  };
  handlers.onStatus('connecting');
  connect();
  return {
    close() {
      closed = true;
      clearInterval(keepAlive);
      socket?.close();
    },
  };
}
