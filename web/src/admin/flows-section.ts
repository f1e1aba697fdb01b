/**
 * Flows: pick a flow (or name a new one), edit its document as JSON with live validation (every problem
 * with its path, as the API's validator sees it), save the draft, publish it, roll back to a version, and
 * place a test call to the tenant's number.
 */
import { h } from '../shared/dom.ts';
import { attempt, button, type SectionContext, section, table } from './admin-kit.ts';

interface FlowView {
  published?: { version: number; document: unknown };
  draft?: { document: unknown; savedAt: string };
}

export async function flowsSection(
  ctx: SectionContext,
  testNumber: string | undefined,
): Promise<HTMLElement> {
  const { flows } = await ctx.api<{ flows: string[] }>('GET', '/flows');
  const picker = h('select', { id: 'flow-picker' }, ...flows.map((f) => h('option', { value: f }, f)));
  const body = h('div', { 'data-testid': 'flow-editor' });
  const open = (flowId: string) =>
    void attempt(ctx, `Flow ${flowId} could not be read`, async () => {
      body.replaceChildren(await flowEditor(ctx, flowId, testNumber));
    });
  picker.addEventListener('change', () => open(picker.value));
  const newId = h('input', { id: 'new-flow', placeholder: 'new flow id', pattern: '[A-Za-z0-9_-]+' });
  const create = button('New flow', () => {
    const id = newId.value.trim();
    if (id !== '') body.replaceChildren(editor(ctx, id, STARTER, undefined, [], testNumber));
  });
  // The first flow is read before the section shows, so the console never flashes an empty editor.
  if (flows[0] !== undefined) body.replaceChildren(await flowEditor(ctx, flows[0], testNumber));
  return section(
    'IVR flows',
    'flows',
    h('div', { class: 'row' }, h('label', { for: 'flow-picker' }, 'Flow'), picker, newId, create),
    body,
  );
}

const STARTER = {
  schemaVersion: 1,
  name: 'New flow',
  languages: ['en-US'],
  start: 'hello',
  nodes: { hello: { type: 'hangup', prompt: { say: { 'en-US': 'Hello, and goodbye.' } } } },
};

async function flowEditor(
  ctx: SectionContext,
  flowId: string,
  testNumber: string | undefined,
): Promise<HTMLElement> {
  const flow = await ctx.api<FlowView>('GET', `/flows/${flowId}`);
  const { versions } = await ctx.api<{
    versions: { version: number; publishedAt: string; publishedBy: string }[];
  }>('GET', `/flows/${flowId}/versions`);
  return editor(
    ctx,
    flowId,
    flow.draft?.document ?? flow.published?.document ?? STARTER,
    flow.published?.version,
    versions,
    testNumber,
  );
}

function editor(
  ctx: SectionContext,
  flowId: string,
  document: unknown,
  published: number | undefined,
  versions: readonly { version: number; publishedAt: string; publishedBy: string }[],
  testNumber: string | undefined,
): HTMLElement {
  const area = h('textarea', {
    id: 'flow-json',
    class: 'json-editor',
    rows: '22',
    spellcheck: 'false',
    'aria-label': `Flow ${flowId} as JSON`,
  });
  area.value = JSON.stringify(document, null, 2);
  const verdict = h('p', { class: 'hint', role: 'status', 'data-testid': 'flow-verdict' });
  const problems = h('ul', { class: 'form-error', 'data-testid': 'flow-problems' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let parsed: unknown;
  const validate = async () => {
    try {
      parsed = JSON.parse(area.value);
    } catch (error) {
      parsed = undefined;
      verdict.textContent = 'Not valid JSON';
      problems.replaceChildren(h('li', {}, (error as Error).message));
      return;
    }
    const check = await ctx.api<{ valid: boolean; problems: { path: string; message: string }[] }>(
      'POST',
      '/flows/validate',
      parsed,
    );
    verdict.textContent = check.valid ? 'Valid' : `${check.problems.length} problem(s)`;
    problems.replaceChildren(...check.problems.map((p) => h('li', {}, `${p.path}: ${p.message}`)));
  };
  area.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void validate().catch(() => undefined), 300);
  });
  void validate().catch(() => undefined);
  const saveDraft = button(
    'Save draft',
    () =>
      void attempt(ctx, 'The draft was not saved', async () => {
        await ctx.api('PUT', `/flows/${flowId}/draft`, JSON.parse(area.value));
        ctx.notify('info', `Draft of ${flowId} saved`);
      }),
  );
  const publish = button(
    'Publish',
    () =>
      void attempt(ctx, 'The flow was not published', async () => {
        const { version } = await ctx.api<{ version: number }>('POST', `/flows/${flowId}/versions`, {
          document: JSON.parse(area.value),
        });
        ctx.notify('info', `${flowId} version ${version} is live: new calls use it`);
      }),
    'primary',
  );
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'hint' },
      published === undefined ? 'Not published yet.' : `Callers hear version ${published}.`,
    ),
    area,
    verdict,
    problems,
    h(
      'div',
      { class: 'row' },
      saveDraft,
      publish,
      testNumber === undefined
        ? null
        : h(
            'a',
            { class: 'btn btn-secondary btn-small', href: `/phone?to=${encodeURIComponent(testNumber)}` },
            'Test call',
          ),
    ),
    h('h3', {}, 'Versions'),
    table(
      `Versions of ${flowId}`,
      ['Version', 'Published', 'By', ''],
      versions.map((v) => [
        String(v.version),
        new Date(v.publishedAt).toLocaleString(),
        v.publishedBy,
        v.version === published
          ? 'live'
          : button(
              `Roll back to ${v.version}`,
              () =>
                void attempt(ctx, 'The rollback failed', async () => {
                  await ctx.api('POST', `/flows/${flowId}/rollback`, { version: v.version });
                  ctx.notify('info', `${flowId} is back on version ${v.version}`);
                }),
            ),
      ]),
    ),
  );
}
