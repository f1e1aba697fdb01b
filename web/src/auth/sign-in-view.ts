/** The sign-in form (agents and supervisors): email and password against the contact center's issuer. */
import { h } from '../shared/dom.ts';
import { currentSession, type Session, signIn, signOut } from '../shared/session.ts';

export function renderSignIn(
  root: HTMLElement,
  options: { title: string; role: string; notice?: string; onSignedIn(session: Session): void },
): void {
  const error = h('p', { class: 'form-error', role: 'alert' }, options.notice ?? '');
  const form = h(
    'form',
    { class: 'card sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, options.title),
    h('p', { class: 'subtitle' }, `Sign in as ${options.role}.`),
    h('label', { for: 'email' }, 'Email'),
    h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true }),
    h('label', { for: 'password' }, 'Password'),
    h('input', {
      id: 'password',
      name: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    }),
    error,
    h('button', { type: 'submit', class: 'btn btn-primary' }, 'Sign in'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    error.textContent = '';
    signIn(String(data.get('email') ?? ''), String(data.get('password') ?? ''))
      .then((session) => options.onSignedIn(session))
      .catch((reason: unknown) => {
        error.textContent = reason instanceof Error ? reason.message : String(reason);
      });
  });
  root.replaceChildren(h('div', { class: 'sign-in-page' }, form));
  form.querySelector<HTMLInputElement>('#email')?.focus();
}

/**
 * Runs a page for a signed-in user of one of `groups`; anyone else gets the sign-in form first (a user of
 * another role is signed out and told so).
 */
export function withSignIn(
  root: HTMLElement,
  page: {
    title: string;
    role: string;
    groups: readonly string[];
    /** Shown above the form (why the user is asked to sign in again). */
    notice?: string;
    start(session: Session): void;
  },
): void {
  const session = currentSession();
  const allowed = session?.groups.some((g) => page.groups.includes(g)) === true;
  if (session !== undefined && allowed) {
    page.start(session);
    return;
  }
  if (session !== undefined) signOut();
  renderSignIn(root, {
    title: page.title,
    role: page.role,
    notice:
      session === undefined ? page.notice : `This account is not ${page.role}’s: sign in as ${page.role}.`,
    onSignedIn: () => withSignIn(root, { ...page, notice: undefined }),
  });
}
