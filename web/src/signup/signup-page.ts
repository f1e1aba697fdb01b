/**
 * `/signup`: a new contact center in a minute. The form (company, admin email and password, local or
 * toll-free number, area code) checks what it can as you type; submitting proves the browser did some work
 * (anti-automation), creates the sign-up, and follows it step by step until the number is live — then
 * offers to call it (the local cloud's phone) and to open the wallboard. A failure says why, and that
 * nothing was kept, so trying again is safe.
 */
import { passwordProblems } from '../../../layers/domain/tenancy/password-policy.ts';
import { h } from '../shared/dom.ts';
import { solveProof } from './proof-of-work.ts';

interface SignupView {
  signupId: string;
  tenantId: string;
  companyName: string;
  state: 'provisioning' | 'live' | 'failed';
  step: string;
  progress: { step: string; at: string }[];
  phoneNumber?: string;
  error?: string;
}

const STEPS: readonly [string, string][] = [
  ['account', 'Your admin account'],
  ['tenant', 'Your contact center, with a welcome menu and a queue'],
  ['number', 'Finding a phone number'],
  ['order', 'Ordering the number'],
  ['routing', 'Connecting it to the phone network in every region'],
  ['activate', 'Live'],
];

export function startSignup(root: HTMLElement): void {
  const problems = h('ul', { class: 'form-error', role: 'alert', 'data-testid': 'signup-problems' });
  const passwordHint = h(
    'p',
    { class: 'hint', id: 'password-hint' },
    '8+ characters: a lowercase, an uppercase, a number and a symbol.',
  );
  const field = (id: string, label: string, input: HTMLElement, hint?: HTMLElement) =>
    h('div', { class: 'field' }, h('label', { for: id }, label), input, hint);
  const areaCode = h('input', {
    id: 'areaCode',
    name: 'areaCode',
    inputmode: 'numeric',
    pattern: '[2-9][0-9]{2}',
    maxlength: '3',
    placeholder: 'any',
    autocomplete: 'off',
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create my contact center');
  const form = h(
    'form',
    { class: 'card sign-in signup', 'aria-labelledby': 'signup-title', novalidate: true },
    h('h1', { id: 'signup-title' }, 'Start your contact center'),
    h('p', { class: 'subtitle' }, 'A phone number that answers, in a minute.'),
    field(
      'companyName',
      'Company name',
      h('input', {
        id: 'companyName',
        name: 'companyName',
        required: true,
        maxlength: '100',
        autocomplete: 'organization',
      }),
    ),
    field(
      'email',
      'Your email (you sign in with it)',
      h('input', { id: 'email', name: 'email', type: 'email', required: true, autocomplete: 'username' }),
    ),
    field(
      'password',
      'Password',
      h('input', {
        id: 'password',
        name: 'password',
        type: 'password',
        required: true,
        autocomplete: 'new-password',
        'aria-describedby': 'password-hint',
      }),
      passwordHint,
    ),
    h(
      'fieldset',
      { class: 'field' },
      h('legend', {}, 'Phone number'),
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'radio', name: 'numberType', value: 'local', checked: true }),
        ' Local',
      ),
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'radio', name: 'numberType', value: 'toll-free' }),
        ' Toll-free',
      ),
    ),
    field('areaCode', 'Area code (local numbers)', areaCode),
    problems,
    submit,
  );
  const password = form.querySelector<HTMLInputElement>('#password') as HTMLInputElement;
  password.addEventListener('input', () => {
    const left = passwordProblems(password.value);
    passwordHint.textContent =
      left.length === 0
        ? 'Strong enough.'
        : `Still needed: ${left.map((p) => p.replace(/^password must (have|contain) /, '')).join(', ')}.`;
  });
  for (const radio of form.querySelectorAll<HTMLInputElement>('input[name="numberType"]'))
    radio.addEventListener('change', () => {
      areaCode.disabled = radio.value === 'toll-free' && radio.checked;
    });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const email = String(data.get('email') ?? '').trim();
    const numberType = String(data.get('numberType') ?? 'local');
    const area = String(data.get('areaCode') ?? '').trim();
    problems.replaceChildren();
    submit.disabled = true;
    submit.textContent = 'Checking this is a person…';
    const started = performance.now();
    solveProof(email)
      .then(async (proof) => {
        submit.textContent = 'Creating…';
        const body = {
          companyName: String(data.get('companyName') ?? ''),
          email,
          password: String(data.get('password') ?? ''),
          numberType,
          ...(numberType === 'local' && area !== '' ? { areaCode: area } : {}),
          proof,
        };
        const response = await fetch('/api/v1/signups', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const answer = (await response.json()) as SignupView & {
          message?: string;
          problems?: { path: string; message: string }[];
        };
        if (response.status !== 202) {
          const listed = answer.problems?.map((p) => p.message) ?? [
            answer.message ?? `sign-up failed (${response.status})`,
          ];
          problems.replaceChildren(...listed.map((m) => h('li', {}, m)));
          if (response.status === 409)
            problems.append(h('li', {}, h('a', { href: '/wallboard' }, 'Sign in')));
          return;
        }
        await follow(root, answer, started);
      })
      .catch((error: unknown) => {
        problems.replaceChildren(h('li', {}, `The sign-up could not be sent: ${(error as Error).message}`));
      })
      .finally(() => {
        submit.disabled = false;
        submit.textContent = 'Create my contact center';
      });
  });
  root.replaceChildren(h('div', { class: 'sign-in-page' }, form));
  form.querySelector<HTMLInputElement>('#companyName')?.focus();
}

/** Shows the sign-up's steps until it is live or failed. */
async function follow(root: HTMLElement, first: SignupView, started: number): Promise<void> {
  const list = h('ol', { class: 'signup-steps', 'aria-live': 'polite', 'data-testid': 'signup-steps' });
  const outcome = h('div', { 'data-testid': 'signup-outcome' });
  const subtitle = h('p', { class: 'subtitle' }, 'Setting up your contact center…');
  root.replaceChildren(
    h(
      'div',
      { class: 'sign-in-page' },
      h(
        'section',
        { class: 'card sign-in signup' },
        h('h1', {}, first.companyName),
        h('p', { class: 'subtitle' }, 'Setting up your contact center…'),
        list,
        outcome,
      ),
    ),
  );
  let view = first;
  for (;;) {
    const done = new Set(view.progress.map((p) => p.step));
    list.replaceChildren(
      ...STEPS.map(([step, label]) => {
        const state = done.has(step)
          ? 'done'
          : view.step === step && view.state === 'provisioning'
            ? 'current'
            : 'pending';
        return h('li', { class: `step step-${state}`, 'data-step': step, 'data-state': state }, label);
      }),
    );
    if (view.state !== 'provisioning') break;
    await new Promise((r) => setTimeout(r, 300));
    const response = await fetch(`/api/v1/signups/${encodeURIComponent(view.signupId)}`);
    if (response.ok) view = (await response.json()) as SignupView;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  subtitle.textContent =
    view.state === 'live' ? 'Your contact center is ready.' : 'Your contact center could not be set up.';
  if (view.state === 'live') {
    const number = view.phoneNumber as string;
    outcome.replaceChildren(
      h(
        'p',
        { class: 'signup-live', role: 'status' },
        'Your number is live: ',
        h('strong', { 'data-testid': 'signup-number' }, number),
      ),
      h(
        'p',
        { class: 'hint' },
        `Ready ${seconds} s after you pressed the button. Callers hear your welcome and a menu, then wait in your General queue for an agent. Sign in with your email to watch it on the wallboard.`,
      ),
      h(
        'p',
        { class: 'signup-next' },
        h('a', { class: 'btn btn-primary', href: `/phone?to=${encodeURIComponent(number)}` }, 'Call it now'),
        ' ',
        h('a', { class: 'btn btn-secondary', href: '/wallboard' }, 'Open the wallboard'),
      ),
    );
  } else {
    outcome.replaceChildren(
      h(
        'p',
        { class: 'form-error', role: 'alert', 'data-testid': 'signup-error' },
        view.error ?? 'The sign-up failed.',
      ),
      h('p', { class: 'hint' }, 'Nothing was kept: you can sign up again with the same email.'),
      h('p', {}, h('a', { class: 'btn btn-secondary', href: '/signup' }, 'Try again')),
    );
  }
}
