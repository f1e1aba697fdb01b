/**
 * The supervisor wallboard: signs the supervisor in, reads the wallboard, and reads it again whenever the
 * live WebSocket says something changed (an agent's state, a call) — no polling; listens to or barges into
 * an agent's call with the supervisor's own audio; forces agents' states.
 */
import { withSignIn } from '../auth/sign-in-view.ts';
import { joinMedia, type MediaSessionInfo, type SoftphoneMedia } from '../media/softphone-media.ts';
import { type Api, ApiError, apiClient } from '../shared/api-client.ts';
import { openLiveSocket } from '../shared/live-socket.ts';
import { type Session, signOut } from '../shared/session.ts';
import {
  renderWallboard,
  tickWallboard,
  type WallboardAction,
  type WallboardModel,
  type WallboardSnapshot,
} from './wallboard-view.ts';

export function startWallboard(root: HTMLElement, notice?: string): void {
  withSignIn(root, {
    title: 'Openline wallboard',
    role: 'a supervisor',
    groups: ['supervisor', 'admin'],
    ...(notice === undefined ? {} : { notice }),
    start: (session) => void new Wallboard(root, session).start(),
  });
}

declare global {
  interface Window {
    /** Diagnostics of the supervisor's audio while monitoring (support, and the browser tests). */
    openlineWallboard?: { mediaStats(): Promise<unknown> };
  }
}

class Wallboard {
  private readonly api: Api;
  private model: WallboardModel;
  private socket: { close(): void } | undefined;
  private clock: ReturnType<typeof setInterval> | undefined;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private media: SoftphoneMedia | undefined;
  /** While whispering: the coaching meeting and the supervisor's seat in it. */
  private coach: { agentId: string; meetingId: string; media: SoftphoneMedia } | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly session: Session,
  ) {
    this.api = apiClient(session);
    this.model = {
      email: session.email,
      socket: 'connecting',
      board: undefined,
      receivedAt: Date.now(),
      reasons: [],
      monitoring: undefined,
      message: undefined,
    };
    window.openlineWallboard = { mediaStats: async () => this.media?.stats() };
  }

  async start(): Promise<void> {
    this.render();
    this.socket = openLiveSocket(this.session, {
      onStatus: (socket) => {
        this.update({ socket });
        if (socket === 'connected') this.soon();
      },
      onEvent: (event) => {
        if (event.type === 'agent.state' || event.type === 'call') this.soon();
      },
    });
    this.clock = setInterval(() => tickWallboard(this.root, this.model), 1_000);
    try {
      const reasons = await this.api<{ codes: { code: string; label: string }[] }>('GET', '/reason-codes');
      this.update({ reasons: reasons.codes });
      await this.load();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Reads the board again shortly (changes come in bursts: one read for the burst). */
  private soon(): void {
    clearTimeout(this.pending);
    this.pending = setTimeout(() => void this.load().catch((error: unknown) => this.fail(error)), 150);
  }

  private async load(): Promise<void> {
    const board = await this.api<WallboardSnapshot>('GET', '/wallboard');
    this.update({ board, receivedAt: Date.now() });
  }

  private act(action: WallboardAction): void {
    void this.perform(action).catch((error: unknown) => this.fail(error));
  }

  private async perform(action: WallboardAction): Promise<void> {
    this.update({ message: undefined });
    switch (action.kind) {
      case 'sign-out':
        return this.signOut();
      case 'listen':
      case 'whisper':
      case 'barge': {
        const answer = await this.api<{ media: MediaSessionInfo; coach?: MediaSessionInfo }>(
          'POST',
          `/agents/${action.agentId}/monitor`,
          { mode: action.kind },
        );
        // Barging in from listening keeps the seat (now unmuted); otherwise the seat is taken now.
        if (this.model.monitoring?.agentId !== action.agentId) {
          await this.media?.close();
          this.media = await joinMedia(answer.media);
        }
        if (answer.coach !== undefined) {
          this.coach = {
            agentId: action.agentId,
            meetingId: answer.coach.meetingId,
            media: await joinMedia(answer.coach),
          };
        }
        this.update({ monitoring: { agentId: action.agentId, mode: action.kind } });
        return;
      }
      case 'stop': {
        // Only the coaching meeting of the agent being left goes with it.
        const coach = this.coach?.agentId === action.agentId ? this.coach : undefined;
        const query = coach === undefined ? '' : `?coachMeetingId=${encodeURIComponent(coach.meetingId)}`;
        await this.api('DELETE', `/agents/${action.agentId}/monitor${query}`);
        await Promise.all([this.media?.close(), coach?.media.close()]);
        this.media = undefined;
        this.coach = undefined;
        this.update({ monitoring: undefined });
        return;
      }
      case 'not-ready':
        await this.api('PUT', `/agents/${action.agentId}/state`, {
          status: 'not-ready',
          reason: action.reason,
        });
        return this.load();
      case 'ready':
        await this.api('PUT', `/agents/${action.agentId}/state`, { status: 'available' });
        return this.load();
      case 'log-out':
        await this.api('PUT', `/agents/${action.agentId}/state`, { status: 'offline' });
        return this.load();
    }
  }

  private fail(error: unknown): void {
    if (error instanceof ApiError && error.status === 401) {
      this.signOut('Your sign-in has expired.');
      return;
    }
    this.update({ message: { kind: 'error', text: error instanceof Error ? error.message : String(error) } });
  }

  private signOut(notice?: string): void {
    this.socket?.close();
    clearInterval(this.clock);
    clearTimeout(this.pending);
    void this.media?.close();
    void this.coach?.media.close();
    signOut();
    startWallboard(this.root, notice);
  }

  private update(changes: Partial<WallboardModel>): void {
    this.model = { ...this.model, ...changes };
    this.render();
  }

  private render(): void {
    renderWallboard(this.root, this.model, (action) => this.act(action));
  }
}
