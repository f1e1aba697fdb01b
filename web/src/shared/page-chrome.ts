/** What every signed-in page shows around its content: the top bar (product, live status, user) and a banner. */
import { h } from './dom.ts';
import type { SocketStatus } from './live-socket.ts';

export interface StatusPill {
  /** The accessible name (what a screen reader and the tests look it up by). */
  readonly label: string;
  readonly className: string;
  readonly text: string;
}

export function topbar(page: {
  product: string;
  socket: SocketStatus;
  /** How the page says its live connection is up ("Connected", "Live"). */
  connected: string;
  pills: readonly (StatusPill | undefined)[];
  email: string;
  onSignOut(): void;
}): HTMLElement {
  const connection =
    page.socket === 'connected'
      ? page.connected
      : page.socket === 'connecting'
        ? 'Connecting…'
        : 'Connection lost · reconnecting…';
  const signOut = h('button', { type: 'button', class: 'btn btn-quiet' }, 'Sign out');
  signOut.addEventListener('click', () => page.onSignOut());
  return h(
    'header',
    { class: 'topbar' },
    h('span', { class: 'brand' }, 'Openline'),
    h('span', { class: 'product' }, page.product),
    h('span', { class: 'spacer' }),
    pill({ label: 'Connection', className: `connection-${page.socket}`, text: connection }),
    ...page.pills.map((p) => (p === undefined ? null : pill(p))),
    h('span', { class: 'who' }, page.email),
    signOut,
  );
}

function pill(p: StatusPill): HTMLElement {
  return h('span', { class: `connection ${p.className}`, role: 'status', 'aria-label': p.label }, p.text);
}

/** The page's message (an error, a notice), or an empty live region that a message will fill. */
export function banner(message: { kind: 'error' | 'info'; text: string } | undefined): HTMLElement {
  return message === undefined
    ? h('div', { class: 'banner-slot', role: 'alert' })
    : h('div', { class: `banner banner-${message.kind}`, role: 'alert' }, message.text);
}
