/**
 * The virtual PSTN over a WebSocket (`/_pstn/ws` on the local cloud's port), for `npm run call` and the
 * customer phone page: dial, hear, press, speak, hang up; subscribe a number and answer calls to it.
 *
 * Client → server: {type:'dial', from, to, ref?} | {type:'press', callId, digits} | {type:'say', callId, text}
 *   | {type:'hangup', callId} | {type:'subscribe', number, mode:'manual'|'answer'|'busy'|'no-answer', afterMs?}
 *   | {type:'answer', callId} | {type:'reject', callId, sipCode?}
 *   | {type:'join-meeting', meetingId, joinToken, ref?}   (a seat in a Chime SDK meeting, as an agent takes)
 *   | {type:'beacon', callId}   (a browser phone's media beacon: it goes where the call's voice goes)
 *   | {type:'rtc', callId, to, data}   (WebRTC signalling to the browser phone whose beacon was heard)
 * Server → client: {type:'call', callId, direction, from, to, ref?} | {type:'state', callId, state, endReason?, transactionId?}
 *   | {type:'heard', callId, item} | {type:'log', callId, transactionId, entries} | {type:'error', message, ref?}
 *   | {type:'beacon-heard', callId, endpoint} | {type:'rtc', callId, from, data}
 *
 * Real audio between browsers (the customer phone page, the agent softphone) is WebRTC, peer to peer; the
 * network decides who hears whom: a phone's beacon travels exactly where its voice would (through the SMA's
 * bridges and meetings, stopped by hold and mute), and a browser plays a peer's audio only while it hears
 * that peer's beacon. The gateway relays the peers' offers, answers and candidates.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { CallLog } from './call-log.ts';
import type { MeetingRooms } from './meeting-rooms.ts';
import { PhoneCall, type VirtualPstn } from './virtual-pstn.ts';

const E164 = /^\+[1-9]\d{6,14}$/;

export class PstnGateway {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  /** Browser phones that sent a beacon, by their call's id: where WebRTC signalling for them goes. */
  private readonly endpoints = new Map<string, (message: unknown) => void>();

  constructor(
    private readonly pstn: VirtualPstn,
    private readonly log: CallLog,
    private readonly meetings: MeetingRooms,
    readonly path = '/_pstn/ws',
  ) {}

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(req, socket, head, (ws) => this.session(ws));
  }

  private session(ws: WebSocket): void {
    const calls = new Map<string, PhoneCall>();
    const subscribed = new Set<string>();
    const send = (message: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const track = (call: PhoneCall, ref?: unknown) => {
      calls.set(call.id, call);
      send({
        type: 'call',
        callId: call.id,
        direction: call.direction,
        from: call.from,
        to: call.to,
        ...(ref === undefined ? {} : { ref }),
      });
      // A meeting seat is connected before it is tracked: tell the client at once.
      if (call.state !== 'ringing') send({ type: 'state', callId: call.id, state: call.state });
      call.on('heard', (item) => send({ type: 'heard', callId: call.id, item }));
      call.on('signal', (endpoint: string) => send({ type: 'beacon-heard', callId: call.id, endpoint }));
      call.on('state', (state) => {
        // The SMA transaction (once the network has one) tells a test which call of the contact center it is.
        send({
          type: 'state',
          callId: call.id,
          state,
          endReason: call.endReason,
          transactionId: call.transactionId,
        });
        if (state === 'ended') {
          this.endpoints.delete(call.id);
          // The SMA writes its last entries just after the leg ends.
          setTimeout(() => {
            const transactionId = call.transactionId;
            send({
              type: 'log',
              callId: call.id,
              transactionId,
              entries: transactionId === undefined ? [] : this.log.entries(transactionId),
            });
          }, 200);
        }
      });
    };
    const incoming = (call: PhoneCall) => track(call);

    ws.on('message', (data) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(data.toString()) as Record<string, unknown>;
      } catch {
        send({ type: 'error', message: 'messages must be JSON objects' });
        return;
      }
      const call = typeof message.callId === 'string' ? calls.get(message.callId) : undefined;
      try {
        switch (message.type) {
          case 'dial': {
            const { from, to } = message;
            if (typeof from !== 'string' || !E164.test(from) || typeof to !== 'string' || !E164.test(to)) {
              throw new Error('dial needs E.164 numbers in "from" and "to", like +12065550100');
            }
            const dialled = this.pstn.dial({ from, to });
            track(dialled, message.ref);
            break;
          }
          case 'press':
            if (call === undefined || typeof message.digits !== 'string')
              throw new Error('press needs a callId and digits');
            void call
              .press(message.digits)
              .catch((error: unknown) => send({ type: 'error', message: String(error) }));
            break;
          case 'say':
            if (call === undefined || typeof message.text !== 'string')
              throw new Error('say needs a callId and text');
            call.say(message.text);
            break;
          case 'hangup':
            if (call === undefined) throw new Error('hangup needs a callId');
            call.hangup();
            break;
          case 'beacon':
            if (call === undefined) throw new Error('beacon needs a callId');
            if (call.state === 'connected') this.endpoints.set(call.id, send);
            call.beacon();
            break;
          case 'rtc': {
            const relay = typeof message.to === 'string' ? this.endpoints.get(message.to) : undefined;
            if (call === undefined || relay === undefined || typeof message.data !== 'object')
              throw new Error('rtc needs a callId, data and `to`: a phone whose beacon was heard');
            relay({ type: 'rtc', callId: message.to, from: call.id, data: message.data });
            break;
          }
          case 'answer':
            if (call === undefined) throw new Error('answer needs a callId');
            call.answer();
            break;
          case 'reject':
            if (call === undefined) throw new Error('reject needs a callId');
            call.reject(typeof message.sipCode === 'number' ? message.sipCode : 486);
            break;
          case 'join-meeting': {
            const { meetingId, joinToken, ref } = message;
            if (typeof meetingId !== 'string' || typeof joinToken !== 'string' || joinToken === '') {
              send({ type: 'error', message: 'join-meeting needs a meetingId and a joinToken', ref });
              break;
            }
            const seat = new PhoneCall('meeting', 'attendee', meetingId);
            try {
              const membership = this.meetings.join({ meetingId, joinToken, side: seat });
              seat.network = {
                digit: () => undefined,
                voice: (text) => membership.send({ kind: 'voice', text }),
                signal: (endpoint) => membership.send({ kind: 'signal', endpoint }),
                hangup: () => membership.leave(),
              };
            } catch (error) {
              send({ type: 'error', message: `cannot join the meeting: ${(error as Error).message}`, ref });
              break;
            }
            track(seat, ref);
            break;
          }
          case 'subscribe': {
            const { number, mode, afterMs } = message;
            if (typeof number !== 'string' || !E164.test(number))
              throw new Error('subscribe needs an E.164 number');
            if (mode === 'answer')
              this.pstn.subscribe(number, { mode, afterMs: typeof afterMs === 'number' ? afterMs : 1000 });
            else if (mode === 'busy' || mode === 'no-answer' || mode === 'manual')
              this.pstn.subscribe(number, { mode });
            else throw new Error("subscribe mode must be 'manual', 'answer', 'busy' or 'no-answer'");
            if (!subscribed.has(number)) {
              subscribed.add(number);
              this.pstn.on(`incoming:${number}`, incoming);
            }
            break;
          }
          default:
            throw new Error(`unknown message type '${String(message.type).slice(0, 40)}'`);
        }
      } catch (error) {
        send({
          type: 'error',
          message: (error as Error).message,
          ...(message.ref === undefined ? {} : { ref: message.ref }),
        });
      }
    });
    ws.on('close', () => {
      // A phone that goes away hangs up its calls and gives up its numbers.
      for (const call of calls.values()) {
        this.endpoints.delete(call.id);
        call.hangup();
      }
      for (const number of subscribed) {
        this.pstn.off(`incoming:${number}`, incoming);
        this.pstn.unsubscribe(number);
      }
    });
  }

  close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
