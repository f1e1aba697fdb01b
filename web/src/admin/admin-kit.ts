/**
 * The few pieces every admin console section is built from: a section card, a table, a JSON editor that
 * shows the API's problems next to it, and the way a section reports success or failure.
 */
import { ApiError } from '../shared/api-client.ts';
import { h } from '../shared/dom.ts';

export interface SectionContext {
  readonly api: <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => Promise<T>;
  /** Shows a message at the top of the console. */
  notify(kind: 'error' | 'info', text: string): void;
}

export function section(title: string, id: string, ...children: (Node | null)[]): HTMLElement {
  return h(
    'section',
    { class: 'card admin-section', 'aria-labelledby': `${id}-title`, 'data-section': id },
    h('h2', { id: `${id}-title`, class: 'card-title' }, title),
    ...children,
  );
}

export function table(
  label: string,
  head: readonly string[],
  rows: readonly (readonly (Node | string)[])[],
): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, 'None yet.');
  return h(
    'table',
    { 'aria-label': label },
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))),
  );
}

export function button(label: string, onClick: () => void, variant = 'secondary'): HTMLButtonElement {
  const b = h('button', { type: 'button', class: `btn btn-${variant} btn-small` }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** The message of an API failure, with its listed problems. */
export function problemsOf(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  return error.message;
}

/** Runs an action, reporting its failure (and re-enabling whatever it disabled). */
export async function attempt(ctx: SectionContext, what: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    ctx.notify('error', `${what}: ${problemsOf(error)}`);
  }
}

/**
 * A JSON editor: a textarea, a save button and the problems the API lists when it refuses the document
 * (each with its path), so a mistake is shown where it is, and nothing is saved.
 */
export function jsonEditor(options: {
  id: string;
  label: string;
  value: unknown;
  saveLabel: string;
  onSave(document: unknown): Promise<void>;
}): HTMLElement {
  const area = h('textarea', { id: options.id, class: 'json-editor', rows: '12', spellcheck: 'false' });
  area.value = JSON.stringify(options.value, null, 2);
  const problems = h('ul', { class: 'form-error', role: 'alert', 'data-testid': `${options.id}-problems` });
  const save = button(
    options.saveLabel,
    () => {
      problems.replaceChildren();
      let document: unknown;
      try {
        document = JSON.parse(area.value);
      } catch (error) {
        problems.append(h('li', {}, `not valid JSON: ${(error as Error).message}`));
        return;
      }
      save.disabled = true;
      options
        .onSave(document)
        .catch((error: unknown) => {
          const listed =
            error instanceof ApiError && error.problems !== undefined
              ? error.problems.map((p) => `${p.path === '' ? '' : `${p.path}: `}${p.message}`)
              : [problemsOf(error)];
          problems.replaceChildren(...listed.map((m) => h('li', {}, m)));
        })
        .finally(() => {
          save.disabled = false;
        });
    },
    'primary',
  );
  return h(
    'div',
    { class: 'json-block' },
    h('label', { for: options.id }, options.label),
    area,
    problems,
    save,
  );
}
