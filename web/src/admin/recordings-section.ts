/**
 * Recordings: the tenant's recorded calls found by time, caller, agent, queue, customer and disposition,
 * played through the short-lived link the API signs (one player), a legal hold per recording, and how many
 * months recordings are kept.
 */
import { h } from '../shared/dom.ts';
import { attempt, button, problemsOf, type SectionContext, section } from './admin-kit.ts';

export interface Recording {
  callId: string;
  startedAt: string;
  endedAt: string | null;
  durationS: number | null;
  direction: string;
  caller: string | null;
  called: string | null;
  agentId: string | null;
  queueId: string | null;
  customerId: string | null;
  disposition: string | null;
  pauseCount: number;
  pausedS: number;
  retainUntil: string;
  legalHold: boolean;
}

const LIMIT = 100;
const FILTERS = [
  ['caller', 'rec-caller', 'Caller number', '+14255550100'],
  ['agentId', 'rec-agent', 'Agent id', 'agent id'],
  ['queueId', 'rec-queue', 'Queue', 'queue id'],
  ['customerId', 'rec-customer', 'Customer id', 'customer id'],
  ['disposition', 'rec-disposition', 'Disposition', 'code'],
] as const;

export async function recordingsSection(ctx: SectionContext): Promise<HTMLElement> {
  const { months } = await ctx.api<{ months: number }>('GET', '/recording-settings');
  const now = Date.now();
  const from = h('input', {
    id: 'rec-from',
    type: 'datetime-local',
    value: localInput(new Date(now - 24 * 3600_000)),
  });
  const to = h('input', { id: 'rec-to', type: 'datetime-local', value: localInput(new Date(now)) });
  // Left as it was, the end means "until now" (the API's default), however long the page stays open.
  const untilNow = to.value;
  const filters = FILTERS.map(([name, id, label, placeholder]) => ({
    name,
    label: h('label', { for: id }, label),
    input: h('input', { id, name, placeholder, ...(name === 'caller' ? { type: 'tel' } : {}) }),
  }));
  const status = h('p', { class: 'hint', role: 'status', 'data-testid': 'recordings-status' });
  const results = h('div', { class: 'table-scroll', 'data-testid': 'recordings-result' });
  const player = h('audio', {
    controls: true,
    preload: 'metadata',
    hidden: true,
    'data-testid': 'recording-player',
    'aria-label': 'Recording',
  });
  const playing = h('p', { class: 'hint', 'data-testid': 'recording-playing' });
  const play = async (recording: Recording) => {
    const { url } = await ctx.api<{ url: string }>(
      'GET',
      `/recordings/${encodeURIComponent(recording.callId)}`,
    );
    player.src = url;
    player.dataset.callId = recording.callId;
    player.hidden = false;
    playing.textContent = `The call from ${recording.caller ?? 'an unknown number'}, ${when(recording.startedAt)}`;
    // Playback may be refused (no audio device, autoplay rules): the controls stay to start it by hand.
    await player.play().catch(() => undefined);
  };

  const search = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, 'Search recordings');
  const runSearch = async () => {
    search.disabled = true;
    status.className = 'hint';
    status.textContent = 'Searching…';
    try {
      const query = new URLSearchParams({ limit: String(LIMIT) });
      if (from.value !== '') query.set('from', isoOf(from.value, false));
      if (to.value !== '' && to.value !== untilNow) query.set('to', isoOf(to.value, true));
      for (const f of filters) if (f.input.value.trim() !== '') query.set(f.name, f.input.value.trim());
      const { recordings } = await ctx.api<{ recordings: Recording[] }>('GET', `/recordings?${query}`);
      results.replaceChildren(...(recordings.length === 0 ? [] : [recordingsTable(ctx, recordings, play)]));
      status.textContent =
        recordings.length === 0
          ? 'No recordings match.'
          : recordings.length >= LIMIT
            ? `The newest ${LIMIT} recordings that match.`
            : `${recordings.length} ${recordings.length === 1 ? 'recording' : 'recordings'}.`;
    } catch (error) {
      results.replaceChildren();
      status.className = 'form-error';
      status.textContent = `The search failed: ${problemsOf(error)}`;
    } finally {
      search.disabled = false;
    }
  };
  const form = h(
    'form',
    { class: 'recording-search', 'aria-label': 'Search recordings' },
    h(
      'div',
      { class: 'row' },
      h('label', { for: 'rec-from' }, 'Started after'),
      from,
      h('label', { for: 'rec-to' }, 'Started before'),
      to,
    ),
    h('div', { class: 'row' }, ...filters.flatMap((f) => [f.label, f.input])),
    search,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void runSearch();
  });
  await runSearch();

  const keep = h('input', {
    id: 'retention-months',
    type: 'number',
    min: '1',
    max: '120',
    step: '1',
    value: String(months),
    'aria-describedby': 'retention-hint',
  });
  const save = button(
    'Save retention',
    () =>
      void attempt(ctx, 'The retention was not changed', async () => {
        const saved = await ctx.api<{ months: number }>('PUT', '/recording-settings', {
          months: Number(keep.value),
        });
        keep.value = String(saved.months);
        ctx.notify('info', `Recordings made from now on are kept for ${saved.months} months`);
      }),
    'primary',
  );
  const card = section(
    'Recordings',
    'recordings',
    form,
    status,
    results,
    h('div', { class: 'player' }, player, playing),
    h('h3', {}, 'Retention'),
    h(
      'div',
      { class: 'row' },
      h('label', { for: 'retention-months' }, 'Keep recordings for'),
      keep,
      h('span', {}, 'months'),
      save,
    ),
    h(
      'p',
      { class: 'hint', id: 'retention-hint' },
      'From 1 to 120 months; a change applies to recordings made from then on. A legal hold keeps a recording until it is taken off.',
    ),
  );
  card.classList.add('admin-wide');
  return card;
}

function recordingsTable(
  ctx: SectionContext,
  recordings: readonly Recording[],
  play: (recording: Recording) => Promise<void>,
): HTMLElement {
  const head = [
    'Started',
    'Caller',
    'Agent',
    'Queue',
    'Disposition',
    'Length',
    'Pauses',
    'Retained until',
    'Legal hold',
    '',
  ];
  return h(
    'table',
    { 'aria-label': 'Recordings', class: 'recordings-table' },
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...recordings.map((r) => {
        const retained = h('td', {}, date(r.retainUntil));
        const hold = h('input', {
          type: 'checkbox',
          checked: r.legalHold,
          'aria-label': `Legal hold on the call from ${r.caller ?? 'an unknown number'}, ${when(r.startedAt)}`,
          'data-testid': 'legal-hold',
        });
        hold.addEventListener('change', () => {
          const wanted = hold.checked;
          hold.disabled = true;
          void attempt(ctx, 'The legal hold was not changed', async () => {
            try {
              const { recording } = await ctx.api<{ recording: Recording }>(
                'PUT',
                `/recordings/${encodeURIComponent(r.callId)}/legal-hold`,
                { hold: wanted },
              );
              hold.checked = recording.legalHold;
              retained.textContent = date(recording.retainUntil);
            } catch (error) {
              hold.checked = !wanted;
              throw error;
            }
          }).finally(() => {
            hold.disabled = false;
          });
        });
        const playButton = button('Play', () => {
          playButton.disabled = true;
          void attempt(ctx, 'The recording could not be played', () => play(r)).finally(() => {
            playButton.disabled = false;
          });
        });
        playButton.setAttribute('aria-label', `Play the call from ${r.caller ?? 'an unknown number'}`);
        return h(
          'tr',
          { 'data-call-id': r.callId },
          h('td', {}, h('time', { datetime: r.startedAt }, when(r.startedAt))),
          h('td', {}, r.caller ?? ''),
          h('td', {}, r.agentId ?? ''),
          h('td', {}, r.queueId ?? ''),
          h('td', {}, r.disposition ?? ''),
          h('td', { class: 'num' }, length(r.durationS)),
          h(
            'td',
            { class: 'num' },
            r.pauseCount === 0 ? '0' : `${r.pauseCount} (${Math.round(r.pausedS)} s)`,
          ),
          retained,
          h('td', {}, hold),
          h('td', {}, playButton),
        );
      }),
    ),
  );
}

/** A datetime-local value (the browser's time zone) for a moment. */
function localInput(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(
    at.getMinutes(),
  )}`;
}

/** A datetime-local value as ISO 8601; an end without seconds covers its whole minute. */
function isoOf(value: string, end: boolean): string {
  const ms = new Date(value).getTime();
  if (Number.isNaN(ms)) return value;
  return new Date(end && value.length === 16 ? ms + 59_999 : ms).toISOString();
}

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

function date(iso: string): string {
  return new Date(iso).toLocaleDateString();
}

function length(seconds: number | null): string {
  if (seconds === null) return '—';
  const total = Math.round(seconds);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}
