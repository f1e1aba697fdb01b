/**
 * `/admin`: the tenant admin's console. One page of sections — numbers, IVR flows, queues, agents,
 * not-ready reasons, API keys, webhooks, the shared access number, reports, recordings — each read from the
 * API and changed through it (the API checks everything again; the console shows its problems where they
 * belong).
 */
import { withSignIn } from '../auth/sign-in-view.ts';
import { apiClient } from '../shared/api-client.ts';
import { h } from '../shared/dom.ts';
import { banner, topbar } from '../shared/page-chrome.ts';
import { type Session, signOut } from '../shared/session.ts';
import { problemsOf, type SectionContext } from './admin-kit.ts';
import { agentsSection, queuesSection, reasonsSection, usersSection } from './directory-sections.ts';
import { flowsSection } from './flows-section.ts';
import { hoursSection } from './hours-section.ts';
import { apiKeysSection, extensionsSection, webhooksSection } from './integration-sections.ts';
import { numbersSection } from './numbers-section.ts';
import { recordingsSection } from './recordings-section.ts';
import { reportsSection } from './reports-section.ts';

export function startAdmin(root: HTMLElement): void {
  withSignIn(root, {
    title: 'Openline admin',
    role: 'an admin',
    groups: ['admin'],
    start: (session) => renderAdmin(root, session),
  });
}

/** The console's frame (top bar, message slot) stays; `refresh` reads and renders the sections again. */
function renderAdmin(root: HTMLElement, session: Session): void {
  const slot = h('div', {});
  const ctx: SectionContext = {
    api: apiClient(session),
    notify: (kind, text) => slot.replaceChildren(banner({ kind, text })),
  };
  const header = topbar({
    product: 'Admin',
    socket: 'connected',
    connected: `Contact center ${session.tenantId}`,
    pills: [],
    email: session.email,
    onSignOut: () => {
      signOut();
      startAdmin(root);
    },
  });
  const main = h('div', { class: 'admin-grid' }, h('p', { class: 'hint' }, 'Loading…'));
  root.replaceChildren(header, slot, main);
  const refresh = () => void renderSections(ctx, main, refresh, sessionUserId(session));
  refresh();
}

async function renderSections(
  ctx: SectionContext,
  main: HTMLElement,
  refresh: () => void,
  self: string,
): Promise<void> {
  const numbers = await ctx
    .api<{ numbers: { e164: string }[] }>('GET', '/numbers')
    .catch(() => ({ numbers: [] }));
  const builders: [string, () => Promise<HTMLElement>][] = [
    ['numbers', () => numbersSection(ctx, refresh)],
    ['hours', () => hoursSection(ctx, refresh)],
    ['flows', () => flowsSection(ctx, numbers.numbers[0]?.e164)],
    ['queues', () => queuesSection(ctx, refresh)],
    ['users', () => usersSection(ctx, refresh, self)],
    ['agents', () => agentsSection(ctx, refresh)],
    ['reasons', () => reasonsSection(ctx)],
    ['api keys', () => apiKeysSection(ctx, refresh)],
    ['webhooks', () => webhooksSection(ctx, refresh)],
    ['shared number', () => extensionsSection(ctx, refresh)],
    ['reports', () => reportsSection(ctx)],
    ['recordings', () => recordingsSection(ctx)],
  ];
  const sections = await Promise.all(
    builders.map(([name, build]) =>
      build().catch((error: unknown) =>
        h(
          'section',
          { class: 'card' },
          h('p', { class: 'form-error' }, `The ${name} could not be read: ${problemsOf(error)}`),
        ),
      ),
    ),
  );
  main.replaceChildren(...sections);
}

/** The signed-in admin's user id (the token's `sub`): the console never offers to change its own roles. */
function sessionUserId(session: Session): string {
  try {
    const payload = session.idToken.split('.')[1] ?? '';
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: string };
    return claims.sub ?? '';
  } catch {
    return '';
  }
}
