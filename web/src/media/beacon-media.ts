/**
 * Real two-way audio on the local cloud: WebRTC, browser to browser, decided by the virtual phone network.
 * This phone sends a beacon several times a second where its voice goes; whoever hears it (the agent
 * whose meeting the caller joined, the caller of that agent...) links up with it — the peer with the
 * smaller id makes the offer, the gateway relays offer and answer — and plays its audio only while its
 * beacons keep arriving. So hold, mute, transfers and conferences sound as the network routes them.
 */
import type { PstnSocket } from '../phone/pstn-socket.ts';

const BEACON_MS = 300;
/** A peer is heard while its last beacon is this recent. */
const AUDIBLE_MS = 1_000;
/** A peer silent this long is dropped (it left for good: hung up, reloaded, moved on). */
const FORGET_MS = 8_000;
const GATHER_MS = 2_000;

interface Peer {
  readonly pc: RTCPeerConnection;
  readonly audio: HTMLAudioElement;
  lastHeard: number;
}

export interface MediaStats {
  /** Peers heard now. */
  readonly audible: number;
  readonly packetsSent: number;
  readonly packetsReceived: number;
  /** The loudest level received from a peer now (0-1, from the inbound RTP stats). */
  readonly audioLevel: number;
  readonly totalAudioEnergy: number;
}

export class BeaconMedia {
  private readonly peers = new Map<string, Peer>();
  private readonly asked = new Map<string, number>();
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    private readonly socket: PstnSocket,
    /** This phone's call at the gateway: its endpoint id. */
    private readonly callId: string,
    private readonly microphone: MediaStream,
  ) {
    this.unsubscribe = socket.on((event) => {
      if (event.callId !== callId) return;
      if (event.type === 'beacon-heard') this.heard(event.endpoint);
      // A negotiation cut short (the link dropped or replaced meanwhile) is dropped; beacons relink it.
      else if (event.type === 'rtc')
        void this.signal(event.from, event.data).catch(() => this.drop(event.from));
    });
    socket.beacon(callId);
    this.timers.push(setInterval(() => socket.beacon(callId), BEACON_MS));
    this.timers.push(setInterval(() => this.review(), 250));
  }

  /** Silences (or not) this phone's microphone for everyone. */
  setMicrophone(on: boolean): void {
    for (const track of this.microphone.getAudioTracks()) track.enabled = on;
  }

  async stats(): Promise<MediaStats> {
    let packetsSent = 0;
    let packetsReceived = 0;
    let audioLevel = 0;
    let totalAudioEnergy = 0;
    let audible = 0;
    for (const peer of this.peers.values()) {
      if (!peer.audio.muted) audible += 1;
      (await peer.pc.getStats()).forEach((report: Record<string, unknown>) => {
        if (report.type === 'outbound-rtp') packetsSent += Number(report.packetsSent ?? 0);
        if (report.type === 'inbound-rtp') {
          packetsReceived += Number(report.packetsReceived ?? 0);
          audioLevel = Math.max(audioLevel, Number(report.audioLevel ?? 0));
          totalAudioEnergy += Number(report.totalAudioEnergy ?? 0);
        }
      });
    }
    return { audible, packetsSent, packetsReceived, audioLevel, totalAudioEnergy };
  }

  close(): void {
    this.unsubscribe();
    for (const timer of this.timers) clearInterval(timer);
    for (const endpoint of [...this.peers.keys()]) this.drop(endpoint);
  }

  private heard(endpoint: string): void {
    if (endpoint === this.callId) return;
    const peer = this.peers.get(endpoint);
    // A link that failed is made again while its peer is still heard.
    if (peer !== undefined && (peer.pc.connectionState === 'failed' || peer.pc.connectionState === 'closed'))
      this.drop(endpoint);
    else if (peer !== undefined) {
      peer.lastHeard = Date.now();
      return;
    }
    // Only one side offers; the other asks it to (at most every two seconds), in case it does not hear us.
    if (this.callId < endpoint) void this.offer(endpoint).catch(() => this.drop(endpoint));
    else if (Date.now() - (this.asked.get(endpoint) ?? 0) > 2_000) {
      this.asked.set(endpoint, Date.now());
      this.socket.rtc(this.callId, endpoint, { kind: 'want' });
    }
  }

  private async signal(from: string, data: Record<string, unknown>): Promise<void> {
    if (data.kind === 'want') {
      const peer = this.peers.get(from);
      const down = peer?.pc.connectionState === 'failed' || peer?.pc.connectionState === 'closed';
      if (down) this.drop(from);
      if (this.callId < from && (peer === undefined || down)) await this.offer(from);
      return;
    }
    if (data.kind === 'offer' && typeof data.sdp === 'string') {
      this.drop(from);
      const peer = this.link(from);
      await peer.pc.setRemoteDescription({ type: 'offer', sdp: data.sdp });
      await peer.pc.setLocalDescription(await peer.pc.createAnswer());
      this.socket.rtc(this.callId, from, { kind: 'answer', sdp: await gathered(peer.pc) });
      return;
    }
    if (data.kind === 'answer' && typeof data.sdp === 'string') {
      const peer = this.peers.get(from);
      if (peer?.pc.signalingState === 'have-local-offer')
        await peer.pc.setRemoteDescription({ type: 'answer', sdp: data.sdp });
    }
  }

  private async offer(endpoint: string): Promise<void> {
    const peer = this.link(endpoint);
    await peer.pc.setLocalDescription(await peer.pc.createOffer());
    this.socket.rtc(this.callId, endpoint, { kind: 'offer', sdp: await gathered(peer.pc) });
  }

  private link(endpoint: string): Peer {
    const pc = new RTCPeerConnection({ iceServers: [] });
    const tracks = this.microphone.getAudioTracks();
    for (const track of tracks) pc.addTrack(track, this.microphone);
    // Without a microphone this phone still hears its peer.
    if (tracks.length === 0) pc.addTransceiver('audio', { direction: 'recvonly' });
    const audio = new Audio();
    audio.autoplay = true;
    audio.muted = true;
    pc.addEventListener('track', (event) => {
      audio.srcObject = event.streams[0] ?? new MediaStream([event.track]);
      void audio.play().catch(() => undefined);
    });
    // Heard only once its beacon arrives (a link made at the other's request may not be audible here).
    const peer = { pc, audio, lastHeard: Date.now() - AUDIBLE_MS };
    this.peers.set(endpoint, peer);
    return peer;
  }

  /**
   * Plays the peers heard now and silences the others. A link is forgotten once its peer has been silent
   * for long and the link itself is down (a muted peer is silent here but may still hear us).
   */
  private review(): void {
    const now = Date.now();
    for (const [endpoint, peer] of this.peers) {
      const up = peer.pc.connectionState === 'connected' || peer.pc.connectionState === 'connecting';
      if (now - peer.lastHeard > FORGET_MS && !up) this.drop(endpoint);
      else peer.audio.muted = now - peer.lastHeard > AUDIBLE_MS;
    }
  }

  private drop(endpoint: string): void {
    const peer = this.peers.get(endpoint);
    if (peer === undefined) return;
    this.peers.delete(endpoint);
    peer.audio.srcObject = null;
    peer.pc.close();
  }
}

/** The local description once ICE has gathered its candidates (loopback: at once), for a one-shot exchange. */
async function gathered(pc: RTCPeerConnection): Promise<string> {
  if (pc.iceGatheringState !== 'complete')
    await new Promise<void>((resolve) => {
      const done = () => {
        if (pc.iceGatheringState === 'complete') resolve();
      };
      pc.addEventListener('icegatheringstatechange', done);
      setTimeout(resolve, GATHER_MS);
    });
  return pc.localDescription?.sdp ?? '';
}
