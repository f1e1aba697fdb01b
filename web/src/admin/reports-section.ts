/**
 * Reports: today's counters as a strip of tiles, then any named report over a range of the tenant's local
 * dates (the last 7 days by default) as a table, a bar chart of its first figure (totals, not detail) and a
 * CSV download of the rows shown.
 */
import { h } from '../shared/dom.ts';
import { button, problemsOf, type SectionContext, section } from './admin-kit.ts';

interface ReportInfo {
  name: string;
  title: string;
  description: string;
  detail: boolean;
}

interface ReportColumn {
  name: string;
  type: string;
}

export interface ReportResult {
  report: string;
  title: string;
  from: string;
  to: string;
  columns: ReportColumn[];
  rows: unknown[][];
  scannedBytes: number;
}

interface TodayFigures {
  date: string;
  timezone: string;
  total: {
    calls: number;
    answered: number;
    abandoned: number;
    serviceLevel: number | null;
    asaSeconds: number | null;
  };
}

const NUMERIC_TYPES = [
  'bigint',
  'integer',
  'int',
  'smallint',
  'tinyint',
  'double',
  'float',
  'real',
  'decimal',
];
const CHART_BARS = 100;
const SVG = 'http://www.w3.org/2000/svg';

export async function reportsSection(ctx: SectionContext): Promise<HTMLElement> {
  const [{ reports }, today] = await Promise.all([
    ctx.api<{ reports: ReportInfo[] }>('GET', '/reports'),
    ctx.api<TodayFigures>('GET', '/counters/today').catch((error: unknown) => error),
  ]);
  const todayDate = isToday(today) ? today.date : browserDate();
  const picker = h(
    'select',
    { id: 'report-name', 'aria-describedby': 'report-description' },
    ...reports.map((r) => h('option', { value: r.name }, r.title)),
  );
  const description = h('p', { id: 'report-description', class: 'hint' });
  const describe = () => {
    description.textContent = reports.find((r) => r.name === picker.value)?.description ?? '';
  };
  picker.addEventListener('change', describe);
  describe();
  const from = h('input', { id: 'report-from', type: 'date', value: shiftDate(todayDate, -6) });
  const to = h('input', { id: 'report-to', type: 'date', value: todayDate });
  const status = h('p', { class: 'hint', role: 'status', 'data-testid': 'report-status' });
  const result = h('div', { class: 'report-result', 'data-testid': 'report-result' });
  let shown: ReportResult | undefined;
  const exportCsv = button('Export CSV', () => {
    if (shown !== undefined) download(`${shown.report}-${shown.from}-${shown.to}.csv`, toCsv(shown));
  });
  exportCsv.disabled = true;
  const run = button(
    'Run',
    () => {
      run.disabled = true;
      exportCsv.disabled = true;
      shown = undefined;
      status.className = 'hint';
      status.textContent = 'Running…';
      result.replaceChildren();
      const query = new URLSearchParams({ from: from.value, to: to.value });
      ctx
        .api<ReportResult>('GET', `/reports/${encodeURIComponent(picker.value)}?${query}`)
        .then((answer) => {
          shown = answer;
          const detail = reports.find((r) => r.name === answer.report)?.detail ?? true;
          if (answer.rows.length === 0) {
            status.textContent = 'No calls in this range.';
            return;
          }
          status.textContent = `${answer.title}, ${answer.from} to ${answer.to}: ${answer.rows.length} ${
            answer.rows.length === 1 ? 'row' : 'rows'
          }.`;
          result.replaceChildren(
            ...(detail ? [] : [barChart(answer)]),
            h('div', { class: 'table-scroll' }, reportTable(answer)),
          );
          exportCsv.disabled = false;
        })
        .catch((error: unknown) => {
          status.className = 'form-error';
          status.textContent = `The report did not run: ${problemsOf(error)}`;
        })
        .finally(() => {
          run.disabled = false;
        });
    },
    'primary',
  );
  const card = section(
    'Reports',
    'reports',
    todayStrip(today),
    h('h3', {}, 'Run a report'),
    h('div', { class: 'row' }, h('label', { for: 'report-name' }, 'Report'), picker),
    description,
    h(
      'div',
      { class: 'row' },
      h('label', { for: 'report-from' }, 'From'),
      from,
      h('label', { for: 'report-to' }, 'To'),
      to,
      run,
      exportCsv,
    ),
    status,
    result,
  );
  card.classList.add('admin-wide');
  return card;
}

/** Today's figures for the whole contact center, or why they could not be read. */
function todayStrip(today: TodayFigures | unknown): HTMLElement {
  if (!isToday(today))
    return h('p', { class: 'form-error' }, `Today’s figures could not be read: ${problemsOf(today)}`);
  const { total } = today;
  const figure = (label: string, value: string, id: string) =>
    h(
      'div',
      { class: 'figure' },
      h('span', { class: 'figure-value', 'data-testid': `today-${id}` }, value),
      h('span', { class: 'figure-label' }, label),
    );
  return h(
    'div',
    { class: 'today', role: 'group', 'aria-labelledby': 'today-title' },
    h('h3', { id: 'today-title' }, `Today, ${today.date} (${today.timezone})`),
    h(
      'div',
      { class: 'figures today-figures' },
      figure('calls', String(total.calls), 'calls'),
      figure('answered', String(total.answered), 'answered'),
      figure('abandoned', String(total.abandoned), 'abandoned'),
      figure(
        'service level',
        total.serviceLevel === null ? '—' : `${Math.round(total.serviceLevel * 100)} %`,
        'service-level',
      ),
      figure(
        'average speed of answer',
        total.asaSeconds === null ? '—' : `${Math.round(total.asaSeconds)} s`,
        'asa',
      ),
    ),
  );
}

function isToday(value: unknown): value is TodayFigures {
  return typeof value === 'object' && value !== null && 'total' in value && 'date' in value;
}

function isNumeric(result: ReportResult, index: number): boolean {
  const type = (result.columns[index]?.type ?? '').toLowerCase();
  if (NUMERIC_TYPES.some((t) => type === t || type.startsWith(`${t}(`))) return true;
  const values = result.rows.map((r) => r[index]).filter((v) => v !== null && v !== undefined);
  return values.length > 0 && values.every((v) => typeof v === 'number');
}

function reportTable(result: ReportResult): HTMLElement {
  const numeric = result.columns.map((_, i) => isNumeric(result, i));
  const cell = (tag: 'th' | 'td', value: unknown, i: number, attributes: Record<string, string> = {}) =>
    h(tag, { ...attributes, ...(numeric[i] === true ? { class: 'num' } : {}) }, text(value));
  return h(
    'table',
    { class: 'report-table', 'aria-label': `Report: ${result.title}` },
    h('thead', {}, h('tr', {}, ...result.columns.map((c, i) => cell('th', c.name, i, { scope: 'col' })))),
    h('tbody', {}, ...result.rows.map((row) => h('tr', {}, ...row.map((v, i) => cell('td', v, i))))),
  );
}

/**
 * A horizontal bar chart of the first numeric column after the key (the first column), one labelled bar a
 * row, in plain SVG.
 */
function barChart(result: ReportResult): HTMLElement {
  const key = result.columns[0]?.name ?? '';
  const valueIndex = result.columns.findIndex((_, i) => i > 0 && isNumeric(result, i));
  if (valueIndex < 0) return h('p', { class: 'hint' }, 'Nothing to chart.');
  const measure = result.columns[valueIndex]?.name ?? '';
  const bars = result.rows.slice(0, CHART_BARS).map((row) => ({
    label: text(row[0]) || '(none)',
    value: Number(row[valueIndex] ?? 0) || 0,
  }));
  const max = Math.max(...bars.map((b) => b.value), 0);
  const width = 640;
  const labelWidth = 150;
  const valueWidth = 70;
  const barHeight = 18;
  const gap = 6;
  const height = bars.length * (barHeight + gap) + gap;
  const caption = `${result.title}: ${measure} by ${key}, ${result.from} to ${result.to}`;
  const svg = document.createElementNS(SVG, 'svg');
  const attributes = (element: Element, values: Record<string, string | number>) => {
    for (const [name, value] of Object.entries(values)) element.setAttribute(name, String(value));
    return element;
  };
  const node = (tag: string, values: Record<string, string | number>, content?: string) => {
    const element = attributes(document.createElementNS(SVG, tag), values);
    if (content !== undefined) element.textContent = content;
    return element;
  };
  attributes(svg, {
    class: 'bar-chart',
    role: 'img',
    'aria-label': caption,
    viewBox: `0 0 ${width} ${height}`,
    width: '100%',
    'data-testid': 'report-chart',
  });
  svg.append(node('title', {}, caption));
  bars.forEach((bar, i) => {
    const y = gap + i * (barHeight + gap);
    const length = max === 0 ? 0 : ((width - labelWidth - valueWidth) * bar.value) / max;
    const group = node('g', { class: 'bar', 'data-key': bar.label, 'data-value': bar.value });
    group.append(
      node('title', {}, `${bar.label}: ${bar.value} ${measure}`),
      node('text', { x: labelWidth - 8, y: y + barHeight - 5, 'text-anchor': 'end' }, truncate(bar.label)),
      node('rect', { x: labelWidth, y, width: Math.max(length, bar.value > 0 ? 1 : 0), height: barHeight }),
      node('text', { x: labelWidth + length + 6, y: y + barHeight - 5 }, String(bar.value)),
    );
    svg.append(group);
  });
  return h(
    'figure',
    { class: 'chart' },
    svg,
    h(
      'figcaption',
      { class: 'hint' },
      result.rows.length > CHART_BARS
        ? `${measure} by ${key} (the first ${CHART_BARS} of ${result.rows.length} rows)`
        : `${measure} by ${key}`,
    ),
  );
}

/** The rows as CSV (RFC 4180): a header of the column names, CRLF line ends, fields quoted when needed. */
export function toCsv(result: Pick<ReportResult, 'columns' | 'rows'>): string {
  const field = (value: unknown) => {
    const s = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [result.columns.map((c) => field(c.name)), ...result.rows.map((r) => r.map(field))];
  return `${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}

function download(filename: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = h('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A cell as shown: values as the API gave them (timestamps too), nothing for null. */
function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function truncate(label: string): string {
  return label.length > 22 ? `${label.slice(0, 21)}…` : label;
}

/** The browser's local date, yyyy-mm-dd (the tenant's day is used when today's figures say it). */
function browserDate(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
