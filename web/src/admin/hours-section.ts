/**
 * Opening hours and holidays: the `hours` node of the tenant's main flow as a form (a time zone, each day's
 * opening and closing time or closed, holiday dates), published as a new version of the flow. A flow without
 * one is offered opening hours: callers outside them hear that the shop is closed and may leave a message.
 */
import { h } from '../shared/dom.ts';
import { attempt, button, type SectionContext, section } from './admin-kit.ts';

const DAYS = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
] as const;

interface HoursNode {
  type: 'hours';
  timezone: string;
  weekly: Partial<Record<string, [string, string][]>>;
  holidays: string[];
  open: string;
  closed: string;
}

interface FlowDoc {
  start: string;
  languages: string[];
  nodes: Record<string, { type: string } & Record<string, unknown>>;
}

export async function hoursSection(ctx: SectionContext, refresh: () => void): Promise<HTMLElement> {
  const flow = await ctx
    .api<{ published: { version: number; document: FlowDoc } | null }>('GET', '/flows/main')
    .catch(() => ({ published: null }));
  const document = flow.published?.document;
  if (document === undefined)
    return section('Opening hours', 'hours', h('p', { class: 'empty' }, 'Publish the main flow first.'));
  const publish = async (changed: FlowDoc, what: string) => {
    const { version } = await ctx.api<{ version: number }>('POST', '/flows/main/versions', {
      document: changed,
    });
    ctx.notify('info', `${what}: version ${version} of the main flow is live`);
    refresh();
  };
  const found = Object.entries(document.nodes).find(([, node]) => node.type === 'hours');
  if (found === undefined)
    return section(
      'Opening hours',
      'hours',
      h('p', { class: 'hint' }, 'Callers are answered around the clock.'),
      button(
        'Add opening hours',
        () =>
          void attempt(ctx, 'The opening hours were not added', () =>
            publish(withHours(document), 'Opening hours added'),
          ),
        'primary',
      ),
    );
  const [id, raw] = found;
  const node = raw as unknown as HoursNode;
  const zone = h('input', { id: 'hours-zone', value: node.timezone });
  const rows = DAYS.map(([day, name]) => {
    const period = node.weekly[day]?.[0];
    const closed = h('input', {
      type: 'checkbox',
      'aria-label': `${name} closed`,
      checked: period === undefined,
    });
    const from = h('input', { type: 'time', 'aria-label': `${name} opens`, value: period?.[0] ?? '09:00' });
    const to = h('input', {
      type: 'time',
      'aria-label': `${name} closes`,
      value: period?.[1] === '24:00' ? '23:59' : (period?.[1] ?? '17:00'),
    });
    return {
      day,
      element: h(
        'div',
        { class: 'row' },
        h('span', { class: 'day' }, name),
        from,
        to,
        h('label', { class: 'choice' }, closed, ' closed'),
      ),
      closed,
      from,
      to,
    };
  });
  const holidays = h('textarea', {
    id: 'hours-holidays',
    rows: '4',
    'aria-label': 'Holidays, one date (YYYY-MM-DD) a line',
  });
  holidays.value = node.holidays.join('\n');
  const save = button(
    'Save hours',
    () =>
      void attempt(ctx, 'The hours were not saved', async () => {
        const weekly: HoursNode['weekly'] = {};
        for (const row of rows)
          if (!row.closed.checked)
            weekly[row.day] = [[row.from.value, row.to.value === '23:59' ? '24:00' : row.to.value]];
        const changed: FlowDoc = {
          ...document,
          nodes: {
            ...document.nodes,
            [id]: {
              ...node,
              timezone: zone.value.trim(),
              weekly,
              holidays: holidays.value.split(/\s+/).filter((d) => d !== ''),
            },
          },
        };
        await publish(changed, 'Opening hours saved');
      }),
    'primary',
  );
  return section(
    'Opening hours',
    'hours',
    h('div', { class: 'row' }, h('label', { for: 'hours-zone' }, 'Time zone'), zone),
    ...rows.map((r) => r.element),
    h('label', { for: 'hours-holidays' }, 'Holidays (closed all day), one date a line'),
    holidays,
    save,
  );
}

/** The flow with opening hours in front of it (weekdays 9 to 5 in the browser's time zone). */
function withHours(document: FlowDoc): FlowDoc {
  const language = document.languages[0] ?? 'en-US';
  const weekday: [string, string][] = [['09:00', '17:00']];
  return {
    ...document,
    start: 'hours',
    nodes: {
      ...document.nodes,
      hours: {
        type: 'hours',
        timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
        weekly: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday },
        holidays: [],
        open: document.start,
        closed: 'closed',
      },
      closed: {
        type: 'voicemail',
        prompt: { say: { [language]: 'We are closed right now. Please leave a message after the tone.' } },
        maxSeconds: 120,
        next: 'closedGoodbye',
      },
      closedGoodbye: { type: 'hangup', prompt: { say: { [language]: 'Thank you. Goodbye.' } } },
    },
  };
}
