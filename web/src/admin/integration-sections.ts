/** API keys, webhooks and the shared access number: what a CRM, a partner or a marketplace connects with. */
import { h } from '../shared/dom.ts';
import { attempt, button, type SectionContext, section, table } from './admin-kit.ts';

export async function apiKeysSection(ctx: SectionContext, refresh: () => void): Promise<HTMLElement> {
  const { keys, scopes } = await ctx.api<{
    keys: { keyId: string; name: string; scopes: string[]; createdAt: string; createdBy: string }[];
    scopes: string[];
  }>('GET', '/api-keys');
  const name = h('input', { id: 'key-name', placeholder: 'what uses it (CRM…)' });
  const boxes = scopes.map((s) =>
    h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: 'scope', value: s }), ` ${s}`),
  );
  const shown = h('p', { class: 'secret', role: 'status', 'data-testid': 'new-key' });
  const create = button(
    'Create key',
    () =>
      void attempt(ctx, 'The key was not made', async () => {
        const chosen = boxes
          .map((b) => b.querySelector('input') as HTMLInputElement)
          .filter((i) => i.checked)
          .map((i) => i.value);
        const made = await ctx.api<{ key: string }>('POST', '/api-keys', {
          name: name.value,
          scopes: chosen,
        });
        refresh();
        // After the refresh re-renders the section, the key stays shown once, at the top of the console.
        ctx.notify('info', `New key (copy it now, it is not shown again): ${made.key}`);
      }),
    'primary',
  );
  return section(
    'API keys',
    'api-keys',
    table(
      'API keys',
      ['Key', 'Name', 'Scopes', 'Made', ''],
      keys.map((k) => [
        k.keyId,
        k.name,
        k.scopes.join(', '),
        `${new Date(k.createdAt).toLocaleDateString()} by ${k.createdBy}`,
        button(
          'Revoke',
          () =>
            void attempt(ctx, 'The key was not revoked', async () => {
              await ctx.api('DELETE', `/api-keys/${k.keyId}`);
              ctx.notify('info', `Key ${k.keyId} revoked`);
              refresh();
            }),
          'danger',
        ),
      ]),
    ),
    h('div', { class: 'row' }, h('label', { for: 'key-name' }, 'Name'), name),
    h('fieldset', { class: 'scopes' }, h('legend', {}, 'Scopes'), ...boxes),
    create,
    shown,
  );
}

export async function webhooksSection(ctx: SectionContext, refresh: () => void): Promise<HTMLElement> {
  const { webhooks, events } = await ctx.api<{
    webhooks: { webhookId: string; url: string; events: string[]; description: string }[];
    events: string[];
  }>('GET', '/webhooks');
  const url = h('input', { id: 'hook-url', type: 'url', placeholder: 'https://…' });
  const boxes = events.map((e) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'checkbox', name: 'event', value: e, checked: true }),
      ` ${e}`,
    ),
  );
  const log = h('div', { 'data-testid': 'hook-log' });
  const add = button(
    'Add endpoint',
    () =>
      void attempt(ctx, 'The endpoint was not added', async () => {
        const chosen = boxes
          .map((b) => b.querySelector('input') as HTMLInputElement)
          .filter((i) => i.checked)
          .map((i) => i.value);
        const made = await ctx.api<{ secret?: string }>('POST', '/webhooks', {
          url: url.value.trim(),
          events: chosen,
        });
        refresh();
        ctx.notify(
          'info',
          made.secret === undefined
            ? 'Endpoint added'
            : `Endpoint added. Signing secret (shown once): ${made.secret}`,
        );
      }),
    'primary',
  );
  return section(
    'Webhooks',
    'webhooks',
    table(
      'Webhook endpoints',
      ['Endpoint', 'Events', ''],
      webhooks.map((w) => [
        w.url,
        w.events.join(', '),
        h(
          'span',
          { class: 'row-actions' },
          button(
            'Deliveries',
            () =>
              void attempt(ctx, 'The log could not be read', async () => {
                const { deliveries } = await ctx.api<{ deliveries: Record<string, unknown>[] }>(
                  'GET',
                  `/webhooks/${w.webhookId}/deliveries`,
                );
                log.replaceChildren(
                  table(
                    `Deliveries to ${w.url}`,
                    ['Event', 'Status', 'Attempts', 'Answer', 'When'],
                    deliveries.map((d) => [
                      String(d.eventType),
                      String(d.status),
                      String(d.attempts),
                      String(d.lastStatusCode ?? d.lastError ?? ''),
                      new Date(String(d.createdAt)).toLocaleString(),
                    ]),
                  ),
                );
              }),
          ),
          button(
            'Remove',
            () =>
              void attempt(ctx, 'The endpoint was not removed', async () => {
                await ctx.api('DELETE', `/webhooks/${w.webhookId}`);
                refresh();
              }),
            'danger',
          ),
        ),
      ]),
    ),
    log,
    h('div', { class: 'row' }, h('label', { for: 'hook-url' }, 'URL'), url),
    h('fieldset', { class: 'scopes' }, h('legend', {}, 'Events'), ...boxes),
    add,
  );
}

export async function extensionsSection(ctx: SectionContext, refresh: () => void): Promise<HTMLElement> {
  const { accessNumber, extensions } = await ctx.api<{
    accessNumber: string | null;
    extensions: { code: string; flowId: string }[];
  }>('GET', '/extensions');
  if (accessNumber === null)
    return section(
      'Shared access number',
      'extensions',
      h('p', { class: 'empty' }, 'This deployment has none.'),
    );
  return section(
    'Shared access number',
    'extensions',
    h('p', { class: 'hint' }, `Callers of ${accessNumber} key your code, then your flow answers.`),
    table(
      'Extension codes',
      ['Code', 'Flow', ''],
      extensions.map((x) => [
        x.code,
        x.flowId,
        button(
          'Give back',
          () =>
            void attempt(ctx, 'The code was not given back', async () => {
              await ctx.api('DELETE', `/extensions/${x.code}`);
              refresh();
            }),
          'danger',
        ),
      ]),
    ),
    button(
      'Claim a code',
      () =>
        void attempt(ctx, 'No code was claimed', async () => {
          const { code } = await ctx.api<{ code: string }>('POST', '/extensions', {});
          ctx.notify('info', `Your code on ${accessNumber} is ${code}`);
          refresh();
        }),
      'primary',
    ),
  );
}
