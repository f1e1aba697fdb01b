/**
 * The agent softphone: signs the agent in, logs it in to the contact center (a reloaded page gets its session
 * back, call included), follows its state from the live WebSocket (and re-reads it after a reconnection),
 * rings on an offer, pops the caller's details, and turns buttons and Alt shortcuts into agent API calls.
 */
import { withSignIn } from '../auth/sign-in-view.ts';
import { joinMedia, type MediaSessionInfo, type SoftphoneMedia } from '../media/softphone-media.ts';
import { type Api, ApiError, apiClient } from '../shared/api-client.ts';
import { openLiveSocket } from '../shared/live-socket.ts';
import { type Session, signOut } from '../shared/session.ts';
import { type AgentStateView, type DeskAction, shortcutAction } from './desk-model.ts';
import { Ringer } from './ring.ts';
import {
  formValues,
  type RecentCallView,
  renderSoftphone,
  type ScreenPopView,
  type SoftphoneModel,
  tickTimers,
} from './softphone-view.ts';

export function startSoftphone(root: HTMLElement, notice?: string): void {
  withSignIn(root, {
    title: 'Openline softphone',
    role: 'an agent',
    groups: ['agent'],
    ...(notice === undefined ? {} : { notice }),
    start: (session) => void new Softphone(root, session).start(),
  });
}

type StateBody = { state?: AgentStateView; media?: MediaSessionInfo };

declare global {
  interface Window {
    /** Diagnostics of the softphone's audio (support, and the browser tests). */
    openline?: { mediaStats(): Promise<unknown> };
  }
}

class Softphone {
  private readonly api: Api;
  private readonly ringer = new Ringer();
  private model: SoftphoneModel;
  private socket: { close(): void } | undefined;
  private clock: ReturnType<typeof setInterval> | undefined;
  /** The agent's own meeting, and a seat in another agent's while consulted. */
  private media: SoftphoneMedia | undefined;
  private guestMedia: SoftphoneMedia | undefined;
  /** A supervisor's coaching seat, while one whispers to the agent. */
  private coachMedia: SoftphoneMedia | undefined;
  private readonly onKey = (event: KeyboardEvent) => this.shortcut(event);

  constructor(
    private readonly root: HTMLElement,
    private readonly session: Session,
  ) {
    this.api = apiClient(session);
    this.model = {
      email: session.email,
      state: { status: 'offline' },
      reasons: [],
      dispositions: [],
      pop: undefined,
      socket: 'connecting',
      message: undefined,
      busy: true,
      audio: 'joining',
      recent: [],
      coached: false,
    };
    window.openline = {
      mediaStats: async () => ({
        own: await this.media?.stats(),
        guest: await this.guestMedia?.stats(),
        coach: await this.coachMedia?.stats(),
      }),
    };
  }

  async start(): Promise<void> {
    this.render();
    this.socket = openLiveSocket(this.session, {
      onStatus: (socket) => {
        const wasDown = this.model.socket === 'reconnecting';
        this.update({ socket });
        // Whatever was pushed while the connection was down is read back.
        if (socket === 'connected' && wasDown) void this.refresh();
      },
      onEvent: (event) => {
        if (event.type === 'agent.state') this.applyState((event as { state?: AgentStateView }).state);
        else if (event.type === 'coach') void this.joinCoach((event as { media?: MediaSessionInfo }).media);
        else if (event.type === 'offer') void this.refresh();
      },
    });
    this.clock = setInterval(() => tickTimers(this.root), 1_000);
    document.addEventListener('keydown', this.onKey);
    try {
      const [login, reasons, dispositions] = await Promise.all([
        this.api<StateBody>('POST', '/agent/session'),
        this.api<{ codes: { code: string; label: string }[] }>('GET', '/reason-codes'),
        this.api<{ codes: { code: string; label: string }[] }>('GET', '/disposition-codes'),
      ]);
      this.update({ reasons: reasons.codes, dispositions: dispositions.codes, busy: false });
      this.applyState(login.state);
      void this.loadRecent();
      if (login.media !== undefined) await this.joinOwnMedia(login.media);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return this.signOut('Your sign-in has expired.');
      this.update({ busy: false, message: { kind: 'error', text: messageOf(error) } });
    }
  }

  private async joinOwnMedia(session: MediaSessionInfo): Promise<void> {
    try {
      this.media = await joinMedia(session);
      this.update({ audio: this.media.microphone ? 'on' : 'listen-only' });
    } catch (error) {
      this.update({ audio: 'failed', message: { kind: 'error', text: `Audio: ${messageOf(error)}` } });
    }
  }

  private async joinGuestMedia(session: MediaSessionInfo): Promise<void> {
    await this.guestMedia?.close();
    try {
      this.guestMedia = await joinMedia(session);
    } catch (error) {
      this.update({ message: { kind: 'error', text: `Consultation audio: ${messageOf(error)}` } });
    }
  }

  /** A supervisor whispers: the agent takes the coaching seat, until the supervisor ends it. */
  private async joinCoach(session: MediaSessionInfo | undefined): Promise<void> {
    if (session === undefined) return;
    await this.coachMedia?.close();
    try {
      const coach = await joinMedia(session);
      this.coachMedia = coach;
      this.update({ coached: true });
      await coach.ended;
      if (this.coachMedia === coach) {
        this.coachMedia = undefined;
        this.update({ coached: false });
      }
    } catch (error) {
      this.update({ message: { kind: 'error', text: `Coaching audio: ${messageOf(error)}` } });
    }
  }

  private async refresh(): Promise<void> {
    try {
      this.applyState((await this.api<StateBody>('GET', '/agent/state')).state);
    } catch (error) {
      this.update({ message: { kind: 'error', text: messageOf(error) } });
    }
  }

  /** A newer state replaces the one shown (pushed events and API answers may arrive in either order). */
  private applyState(state: AgentStateView | undefined): void {
    if (state === undefined) return;
    const shown = this.model.state as AgentStateView & { version?: number };
    const next = state as AgentStateView & { version?: number };
    if (shown.version !== undefined && next.version !== undefined && next.version < shown.version) return;
    const callChanged = next.call?.callId !== shown.call?.callId;
    const callEnded =
      next.status !== shown.status && (next.status === 'after-call' || next.status === 'available');
    this.update({ state: next });
    if (callEnded) void this.loadRecent();
    // The consultation is over (completed, ended, or the call with it): its seat goes.
    if (this.guestMedia !== undefined && (next.status !== 'on-call' || next.call?.consultOf === undefined)) {
      void this.guestMedia.close();
      this.guestMedia = undefined;
    }
    if (next.status === 'reserved' && next.call?.outbound !== true) this.ringer.start();
    else this.ringer.stop();
    if (callChanged && next.call !== undefined) void this.loadPop(next.call.callId);
  }

  private async loadRecent(): Promise<void> {
    try {
      const { calls } = await this.api<{ calls: RecentCallView[] }>('GET', '/agent/calls');
      this.update({ recent: calls });
    } catch {
      // The list is a convenience: the desk works without it.
    }
  }

  private async loadPop(callId: string): Promise<void> {
    try {
      const pop = await this.api<ScreenPopView>('GET', `/agent/calls/${encodeURIComponent(callId)}`);
      if (this.model.state.call?.callId === callId) this.update({ pop });
    } catch {
      // The call ended meanwhile: nothing to show.
    }
  }

  private shortcut(event: KeyboardEvent): void {
    if (!event.altKey || event.ctrlKey || event.metaKey || this.model.busy) return;
    const key = event.code.startsWith('Key') ? event.code.slice(3) : event.key;
    const action = shortcutAction(key, this.model.state);
    if (action === undefined) return;
    event.preventDefault();
    this.act(action, formValues(this.root));
  }

  private act(action: DeskAction, form: Record<string, string>): void {
    void this.perform(action, form);
  }

  private async perform(action: DeskAction, form: Record<string, string>): Promise<void> {
    const callId = this.model.state.call?.callId ?? '';
    const to = () => {
      const value = (form['transfer-to'] ?? '').trim();
      if (value === '') throw new Error('Say where to: a queue id, an agent id or a number.');
      return { to: { [form['transfer-kind'] ?? 'queueId']: value } };
    };
    const requests: Record<DeskAction, () => [string, string, unknown?]> = {
      ready: () => ['PUT', '/agent/state', { status: 'available' }],
      'not-ready': () => ['PUT', '/agent/state', { status: 'not-ready', reason: form.reason }],
      accept: () => ['POST', `/agent/calls/${encodeURIComponent(callId)}/accept`],
      decline: () => ['POST', `/agent/calls/${encodeURIComponent(callId)}/decline`],
      hold: () => ['POST', '/agent/call/hold'],
      resume: () => ['POST', '/agent/call/resume'],
      mute: () => ['PUT', '/agent/call/mute', { muted: true }],
      unmute: () => ['PUT', '/agent/call/mute', { muted: false }],
      'hang-up': () => ['POST', '/agent/call/hangup'],
      transfer: () => ['POST', '/agent/call/transfer', to()],
      consult: () => ['POST', '/agent/call/consult', to()],
      conference: () => ['POST', '/agent/call/conference'],
      complete: () => ['POST', '/agent/call/transfer/complete'],
      'end-consult': () => ['DELETE', '/agent/call/consult'],
      'wrap-up': () => [
        'POST',
        '/agent/wrap-up',
        { code: form.disposition ?? 'none', notes: form.notes ?? '' },
      ],
      dial: () => ['POST', '/agent/calls', { to: (form['dial-number'] ?? '').replace(/[\s()-]/g, '') }],
      keypad: () => ['POST', '/agent/call/digits', { digits: form.digits }],
      'pause-recording': () => ['POST', '/agent/call/recording', { paused: true }],
      'resume-recording': () => ['POST', '/agent/call/recording', { paused: false }],
    };
    this.update({ busy: true, message: undefined });
    try {
      const [method, path, body] = requests[action]();
      const answer = await this.api<StateBody>(method, path, body);
      this.update({ busy: false });
      if (action === 'pause-recording') this.update({ recordingPausedFor: callId });
      if (action === 'resume-recording') this.update({ recordingPausedFor: undefined });
      // A consultation answered: the seat to take in the consulting agent's meeting.
      if (action === 'accept' && answer.media !== undefined) await this.joinGuestMedia(answer.media);
      if (answer.state !== undefined) this.applyState(answer.state);
      else await this.refresh();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return this.signOut('Your sign-in has expired.');
      this.update({ busy: false, message: { kind: 'error', text: messageOf(error) } });
      await this.refresh();
    }
  }

  private signOut(notice?: string): void {
    this.ringer.stop();
    void this.media?.close();
    void this.guestMedia?.close();
    void this.coachMedia?.close();
    this.socket?.close();
    clearInterval(this.clock);
    document.removeEventListener('keydown', this.onKey);
    signOut();
    startSoftphone(this.root, notice);
  }

  private async logOutAndSignOut(): Promise<void> {
    try {
      await this.api('DELETE', '/agent/session');
    } catch {
      // The page signs out anyway (an agent left logged in is set aside by its next login or a supervisor).
    }
    this.signOut();
  }

  private update(changes: Partial<SoftphoneModel>): void {
    this.model = { ...this.model, ...changes };
    this.render();
  }

  private render(): void {
    renderSoftphone(this.root, this.model, {
      act: (action, form) => this.act(action, form),
      signOut: () => void this.logOutAndSignOut(),
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
