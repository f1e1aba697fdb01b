/** Queues, agents and not-ready reasons: each listed, and edited as the JSON the API validates. */
import { h } from '../shared/dom.ts';
import { attempt, button, jsonEditor, type SectionContext, section, table } from './admin-kit.ts';

export async function queuesSection(ctx: SectionContext, refresh: () => void): Promise<HTMLElement> {
  const { queues } = await ctx.api<{ queues: { queueId: string; config: Record<string, unknown> }[] }>(
    'GET',
    '/queues',
  );
  const id = h('input', { id: 'queue-id', placeholder: 'queue id', value: queues[0]?.queueId ?? 'general' });
  return section(
    'Queues',
    'queues',
    table(
      'Queues',
      ['Queue', 'Name', 'Strategy', 'Ring timeout', 'Overflow', 'Recording'],
      queues.map((q) => [
        q.queueId,
        String(q.config.name ?? ''),
        String(q.config.strategy ?? ''),
        `${String(q.config.ringTimeoutSeconds ?? '')} s`,
        String((q.config.overflow as { kind?: string } | undefined)?.kind ?? ''),
        q.config.record === true ? 'on' : 'off',
      ]),
    ),
    h('div', { class: 'row' }, h('label', { for: 'queue-id' }, 'Queue to save'), id),
    jsonEditor({
      id: 'queue-json',
      label: 'Queue settings (strategy, priorities, timeouts, overflow, music, recording)',
      value: queues[0]?.config ?? { name: 'General', strategy: 'longest-idle' },
      saveLabel: 'Save queue',
      onSave: async (document) => {
        await ctx.api('PUT', `/queues/${encodeURIComponent(id.value.trim())}`, document);
        ctx.notify('info', `Queue ${id.value.trim()} saved`);
        refresh();
      },
    }),
  );
}

export async function agentsSection(ctx: SectionContext, refresh: () => void): Promise<HTMLElement> {
  const { agents, limit } = await ctx.api<{
    agents: {
      agentId: string;
      profile: { name: string; skills: Record<string, number>; queues: Record<string, number> };
    }[];
    limit: number;
  }>('GET', '/agents');
  const id = h('input', {
    id: 'agent-id',
    placeholder: 'agent id (the user’s id)',
    value: agents[0]?.agentId ?? '',
  });
  const list = (m: Record<string, number>) =>
    Object.entries(m)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  return section(
    'Agents',
    'agents',
    table(
      'Agents',
      ['Agent', 'Name', 'Skills (level)', 'Queues (priority)'],
      agents.map((a) => [a.agentId, a.profile.name, list(a.profile.skills), list(a.profile.queues)]),
    ),
    h('p', { class: 'hint' }, `${agents.length} of ${limit} agents.`),
    h('div', { class: 'row' }, h('label', { for: 'agent-id' }, 'Agent to save'), id),
    jsonEditor({
      id: 'agent-json',
      label: 'Agent profile (name, skills with levels 1-5, queues with priorities)',
      value: agents[0]?.profile ?? { name: 'New agent', skills: {}, queues: {} },
      saveLabel: 'Save agent',
      onSave: async (document) => {
        await ctx.api('PUT', `/agents/${encodeURIComponent(id.value.trim())}`, document);
        ctx.notify('info', `Agent ${id.value.trim()} saved`);
        refresh();
      },
    }),
  );
}

export async function reasonsSection(ctx: SectionContext): Promise<HTMLElement> {
  const [codes, dispositions] = await Promise.all([
    ctx.api<{ codes: { code: string; label: string }[] }>('GET', '/reason-codes'),
    ctx.api<{ codes: { code: string; label: string }[] }>('GET', '/disposition-codes'),
  ]);
  return section(
    'Codes',
    'reasons',
    jsonEditor({
      id: 'dispositions-json',
      label: 'Disposition codes agents sum calls up with at wrap-up',
      value: dispositions,
      saveLabel: 'Save dispositions',
      onSave: async (document) => {
        await ctx.api('PUT', '/disposition-codes', document);
        ctx.notify('info', 'Disposition codes saved');
      },
    }),
    jsonEditor({
      id: 'reasons-json',
      label: 'Reason codes agents choose from when they are not ready',
      value: codes,
      saveLabel: 'Save reasons',
      onSave: async (document) => {
        await ctx.api('PUT', '/reason-codes', document);
        ctx.notify('info', 'Reasons saved');
      },
    }),
  );
}

const ROLES = ['admin', 'supervisor', 'agent'] as const;

export async function usersSection(
  ctx: SectionContext,
  refresh: () => void,
  self: string,
): Promise<HTMLElement> {
  const { users } = await ctx.api<{ users: { userId: string; email: string; groups: string[] }[] }>(
    'GET',
    '/users',
  );
  const roleBoxes = (name: string, chosen: readonly string[]) =>
    ROLES.map((r) =>
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'checkbox', name, value: r, checked: chosen.includes(r) }),
        ` ${r}`,
      ),
    );
  const picked = (boxes: HTMLElement[]) =>
    boxes
      .map((b) => b.querySelector('input') as HTMLInputElement)
      .filter((i) => i.checked)
      .map((i) => i.value);
  const email = h('input', { id: 'invite-email', type: 'email', placeholder: 'name@company.com' });
  const inviteRoles = roleBoxes('invite-role', ['agent']);
  const invite = button(
    'Invite',
    () =>
      void attempt(ctx, 'The invitation failed', async () => {
        const made = await ctx.api<{ email: string; temporaryPassword: string }>('POST', '/users', {
          email: email.value.trim(),
          groups: picked(inviteRoles),
        });
        refresh();
        ctx.notify(
          'info',
          `Invited ${made.email}. Temporary password (used once, at the first sign-in): ${made.temporaryPassword}`,
        );
      }),
    'primary',
  );
  return section(
    'Users',
    'users',
    table(
      'Users',
      ['User', 'Roles', ''],
      users.map((u) => {
        const boxes = roleBoxes(`roles-${u.userId}`, u.groups);
        const own = u.userId === self;
        return [
          u.email,
          h('span', { class: 'row-actions' }, ...(own ? [u.groups.join(', ')] : boxes)),
          own
            ? 'you'
            : h(
                'span',
                { class: 'row-actions' },
                button(
                  'Save roles',
                  () =>
                    void attempt(ctx, 'The roles were not changed', async () => {
                      await ctx.api('PUT', `/users/${u.userId}/groups`, { groups: picked(boxes) });
                      ctx.notify('info', `${u.email}: ${picked(boxes).join(', ')} (from their next sign-in)`);
                    }),
                ),
                button(
                  'Remove',
                  () => {
                    if (!confirm(`Remove ${u.email}?`)) return;
                    void attempt(ctx, 'The user was not removed', async () => {
                      await ctx.api('DELETE', `/users/${u.userId}`);
                      refresh();
                    });
                  },
                  'danger',
                ),
              ),
        ];
      }),
    ),
    h('div', { class: 'row' }, h('label', { for: 'invite-email' }, 'Email'), email),
    h('fieldset', { class: 'scopes' }, h('legend', {}, 'Roles'), ...inviteRoles),
    invite,
  );
}
