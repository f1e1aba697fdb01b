/**
 * The browser's client of the local cloud's virtual phone network (`/_pstn/ws`, infra/local/chime/
 * pstn-gateway.ts): dial, press keys, hang up, take a seat in a meeting, and the WebRTC signalling of
 * browser phones. Local cloud only; on AWS calls come from real phones and agents use Chime SDK media.
 */
export type PstnEvent =
  | {
      type: 'state';
      callId: string;
      state: 'ringing' | 'connected' | 'ended';
      endReason?: { detail: string };
    }
  | { type: 'heard'; callId: string; item: HeardItem }
  | { type: 'beacon-heard'; callId: string; endpoint: string }
  | { type: 'rtc'; callId: string; from: string; data: Record<string, unknown> };

export type HeardItem =
  | { kind: 'speech'; text: string; languageCode?: string }
  | { kind: 'audio'; key: string; durationMs: number }
  | { kind: 'tones'; digits: string }
  | { kind: 'ringback' | 'beep' }
  | { kind: 'voice'; text: string }
  | { kind: 'presence'; externalUserId: string; present: boolean };

export class PstnSocket {
  private readonly listeners = new Set<(event: PstnEvent) => void>();
  private readonly waiting = new Map<string, { resolve(callId: string): void; reject(error: Error): void }>();
  private refs = 0;

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (message) => {
      const event = JSON.parse(String(message.data)) as Record<string, unknown> & { type: string };
      const ref = typeof event.ref === 'string' ? this.waiting.get(event.ref) : undefined;
      if (ref !== undefined && (event.type === 'call' || event.type === 'error')) {
        this.waiting.delete(String(event.ref));
        if (event.type === 'call') ref.resolve(String(event.callId));
        else ref.reject(new Error(String(event.message)));
        return;
      }
      for (const listener of this.listeners) listener(event as PstnEvent);
    });
    socket.addEventListener('close', () => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error('the phone network went away'));
      this.waiting.clear();
    });
  }

  static connect(): Promise<PstnSocket> {
    const socket = new WebSocket(
      `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/_pstn/ws`,
    );
    return new Promise((resolve, reject) => {
      socket.addEventListener('open', () => resolve(new PstnSocket(socket)), { once: true });
      socket.addEventListener('error', () => reject(new Error('cannot reach the phone network')), {
        once: true,
      });
    });
  }

  on(listener: (event: PstnEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dial(from: string, to: string): Promise<string> {
    return this.request({ type: 'dial', from, to });
  }

  joinMeeting(meetingId: string, joinToken: string): Promise<string> {
    return this.request({ type: 'join-meeting', meetingId, joinToken });
  }

  press(callId: string, digits: string): void {
    this.send({ type: 'press', callId, digits });
  }

  hangup(callId: string): void {
    this.send({ type: 'hangup', callId });
  }

  beacon(callId: string): void {
    this.send({ type: 'beacon', callId });
  }

  rtc(callId: string, to: string, data: Record<string, unknown>): void {
    this.send({ type: 'rtc', callId, to, data });
  }

  close(): void {
    this.socket.close();
  }

  private request(message: Record<string, unknown>): Promise<string> {
    const ref = `r${++this.refs}`;
    return new Promise((resolve, reject) => {
      this.waiting.set(ref, { resolve, reject });
      this.send({ ...message, ref });
    });
  }

  private send(message: Record<string, unknown>): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
}
