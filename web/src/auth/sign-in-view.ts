/** The sign-in form (agents and supervisors): email and password against the contact center's issuer. */
import { h } from '../shared/dom.ts';
import { type Session, signIn } from '../shared/session.ts';

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
