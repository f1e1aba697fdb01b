/**
 * The customer phone (local cloud only): dial a contact center's number through the virtual phone network,
 * hear the IVR (its speech read aloud by the browser, its audio named), press keys, and talk to the agent
 * with real audio over WebRTC. How someone tries Openline without a telephone network.
 */
import { BeaconMedia } from '../media/beacon-media.ts';
import { elapsed, h } from '../shared/dom.ts';
import { type HeardItem, PstnSocket } from './pstn-socket.ts';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

interface Call {
  readonly id: string;
  state: 'ringing' | 'connected' | 'ended';
  connectedAt?: string;
  endReason?: string;
  media?: BeaconMedia;
}

declare global {
  interface Window {
    /** Diagnostics of the phone's audio (the browser tests read it). */
    openlinePhone?: { mediaStats(): Promise<unknown> };
  }
}

export async function startPhone(root: HTMLElement): Promise<void> {
  const demo = await fetch('/health')
    .then((r) => r.json() as Promise<{ demo?: { numbers?: string[] } }>)
    .then((health) => health.demo?.numbers?.[0])
    .catch(() => undefined);
  const transcript = h('ol', { class: 'transcript', 'aria-label': 'What you hear', 'aria-live': 'polite' });
  const status = h(
    'p',
    { class: 'phone-status', role: 'status', 'data-testid': 'phone-status' },
    'Ready to call',
  );
  const timer = h('span', { class: 'timer', 'aria-label': 'Call time' });
  // `?to=` (the sign-up page's "call it now") wins over the demo number.
  const asked = new URLSearchParams(location.search).get('to') ?? undefined;
  const to = h('input', {
    id: 'to',
    name: 'to',
    type: 'tel',
    value: asked ?? demo ?? '',
    autocomplete: 'off',
  });
  const from = h('input', {
    id: 'from',
    name: 'from',
    type: 'tel',
    value: `+1206555${String(1000 + Math.floor(Math.random() * 9000))}`,
    autocomplete: 'off',
  });
  const callButton = h('button', { type: 'button', class: 'btn btn-primary' }, 'Call');
  const hangButton = h('button', { type: 'button', class: 'btn btn-danger', disabled: true }, 'Hang up');
  const pad = h(
    'div',
    { class: 'keypad', role: 'group', 'aria-label': 'Keypad' },
    ...KEYS.map((key) =>
      h(
        'button',
        { type: 'button', class: 'btn btn-secondary key', 'data-key': key, 'aria-label': `Key ${key}` },
        key,
      ),
    ),
  );
  root.replaceChildren(
    h(
      'div',
      { class: 'phone-page' },
      h(
        'section',
        { class: 'card phone', 'aria-labelledby': 'phone-title' },
        h('h1', { id: 'phone-title' }, 'Phone'),
        h(
          'p',
          { class: 'subtitle' },
          'Call a contact center on the local phone network, with your microphone.',
        ),
        h('label', { for: 'to' }, 'Number to call'),
        to,
        h('label', { for: 'from' }, 'Your number'),
        from,
        h('div', { class: 'row' }, callButton, hangButton),
        h('div', { class: 'state-line' }, status, timer),
        pad,
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'heard-title' },
        h('h2', { id: 'heard-title', class: 'card-title' }, 'What you hear'),
        transcript,
      ),
    ),
  );

  const socket = await PstnSocket.connect();
  let call: Call | undefined;
  let microphone: MediaStream | undefined;
  window.openlinePhone = { mediaStats: async () => call?.media?.stats() };
  const show = () => {
    const ended = call === undefined || call.state === 'ended';
    callButton.disabled = !ended;
    hangButton.disabled = ended;
    status.textContent =
      call === undefined
        ? 'Ready to call'
        : call.state === 'ringing'
          ? 'Calling…'
          : call.state === 'connected'
            ? 'Connected'
            : `Call ended${call.endReason === undefined ? '' : ` · ${call.endReason}`}`;
  };
  setInterval(() => {
    timer.textContent = call?.state === 'connected' ? elapsed(call.connectedAt, Date.now()) : '';
  }, 1_000);
  socket.on((event) => {
    if (call === undefined || event.callId !== call.id) return;
    if (event.type === 'state') {
      call.state = event.state;
      if (event.state === 'connected') {
        call.connectedAt = new Date().toISOString();
        call.media = new BeaconMedia(socket, call.id, microphone ?? new MediaStream());
      }
      if (event.state === 'ended') {
        call.endReason = event.endReason?.detail;
        call.media?.close();
        speechSynthesis?.cancel();
      }
      show();
    } else if (event.type === 'heard') hear(transcript, event.item);
  });
  callButton.addEventListener('click', () => {
    void (async () => {
      transcript.replaceChildren();
      microphone ??= await navigator.mediaDevices?.getUserMedia({ audio: true }).catch(() => undefined);
      try {
        const id = await socket.dial(from.value.trim(), to.value.trim());
        call = { id, state: 'ringing' };
      } catch (error) {
        status.textContent = error instanceof Error ? error.message : String(error);
        return;
      }
      show();
    })();
  });
  hangButton.addEventListener('click', () => {
    if (call !== undefined) socket.hangup(call.id);
  });
  for (const key of pad.querySelectorAll<HTMLButtonElement>('[data-key]'))
    key.addEventListener('click', () => {
      if (call?.state === 'connected') socket.press(call.id, key.dataset.key ?? '');
    });
  show();
}

/** Adds what was heard to the transcript; speech is also read aloud. */
function hear(transcript: HTMLElement, item: HeardItem): void {
  let line: string | undefined;
  switch (item.kind) {
    case 'speech':
      line = item.text;
      if ('speechSynthesis' in window) {
        const utterance = new SpeechSynthesisUtterance(item.text);
        if (item.languageCode !== undefined) utterance.lang = item.languageCode;
        speechSynthesis.speak(utterance);
      }
      break;
    case 'audio':
      line = `♪ ${
        item.key
          .split('/')
          .pop()
          ?.replace(/\.wav$/, '') ?? 'audio'
      }`;
      break;
    case 'tones':
      line = `tones ${item.digits}`;
      break;
    case 'ringback':
      line = 'ringing…';
      break;
    case 'beep':
      line = 'beep';
      break;
    case 'voice':
      line = `“${item.text}”`;
      break;
    default:
      line = undefined;
  }
  if (line !== undefined) transcript.append(h('li', {}, line));
  transcript.lastElementChild?.scrollIntoView({ block: 'nearest' });
}
