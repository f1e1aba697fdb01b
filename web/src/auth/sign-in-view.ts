/** The sign-in form (agents and supervisors): email and password against the contact center's issuer. */
import { h } from '../shared/dom.ts';
import {
  completeNewPassword,
  currentSession,
  NewPasswordRequired,
  type Session,
  signIn,
  signOut,
} from '../shared/session.ts';

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
  // An invited user's first sign-in: its temporary password works once, to choose its own.
  const fresh = h('div', { class: 'new-password', hidden: true });
  form.insertBefore(fresh, error);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    error.textContent = '';
    const email = String(data.get('email') ?? '');
    const password = String(data.get('password') ?? '');
    const chosen = data.get('newPassword');
    (chosen === null ? signIn(email, password) : completeNewPassword(email, password, String(chosen)))
      .then((session) => options.onSignedIn(session))
      .catch((reason: unknown) => {
        if (reason instanceof NewPasswordRequired && fresh.hidden) {
          fresh.hidden = false;
          fresh.replaceChildren(
            h('label', { for: 'new-password' }, 'New password'),
            h('input', {
              id: 'new-password',
              name: 'newPassword',
              type: 'password',
              autocomplete: 'new-password',
              required: true,
            }),
          );
          fresh.querySelector('input')?.focus();
        }
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
