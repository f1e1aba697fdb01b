import type { Health } from './health-client.ts';

const labels: Record<string, string> = {
  dynamodb: 'DynamoDB',
  dynamodbStreams: 'DynamoDB Streams',
  kinesis: 'Kinesis',
  s3: 'S3',
  httpApi: 'HTTP API',
  websocketApi: 'WebSocket API',
  web: 'Web app',
  chimeSdkVoice: 'Chime SDK Voice',
  virtualPstn: 'Virtual phone network',
  auth: 'Auth (local issuer)',
};

function cell(text: string, className?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  if (className === undefined) td.textContent = text;
  else {
    const badge = document.createElement('span');
    badge.className = className;
    badge.textContent = text;
    td.append(badge);
  }
  return td;
}

export function renderHealth(root: HTMLElement, health: Health): void {
  const title = document.createElement('h1');
  title.textContent = 'Openline';
  const subtitle = document.createElement('p');
  subtitle.className = 'subtitle';
  subtitle.textContent = `Local contact center · region ${health.region} · storage ${health.storage} · `;
  const overall = document.createElement('span');
  overall.className = `status status-${health.status}`;
  overall.textContent = health.status === 'ok' ? 'all services up' : 'degraded';
  overall.setAttribute('data-testid', 'overall-status');
  subtitle.append(overall);

  const numbers = document.createElement('p');
  numbers.className = 'subtitle';
  const list = health.telephony?.numbers ?? [];
  numbers.textContent =
    list.length === 0
      ? 'No phone numbers yet.'
      : `Phone numbers: ${list.join(', ')} — try npm run call -- --to ${list[0]}`;
  numbers.setAttribute('data-testid', 'numbers');

  const table = document.createElement('table');
  table.setAttribute('aria-label', 'Services');
  const head = table.createTHead().insertRow();
  for (const name of ['Service', 'Status', 'Endpoint']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = name;
    head.append(th);
  }
  const body = table.createTBody();
  for (const [id, service] of Object.entries(health.services)) {
    const row = body.insertRow();
    row.dataset.service = id;
    const endpoint = document.createElement('td');
    const code = document.createElement('code');
    code.textContent = service.endpoint;
    endpoint.append(code);
    row.append(cell(labels[id] ?? id), cell(service.status, `status status-${service.status}`), endpoint);
  }
  root.replaceChildren(title, subtitle, numbers, table);
}

export function renderHealthError(root: HTMLElement, error: unknown): void {
  const message = document.createElement('p');
  message.className = 'error';
  message.setAttribute('role', 'alert');
  message.textContent = `Cannot reach the local cloud: ${error instanceof Error ? error.message : String(error)}`;
  root.replaceChildren(message);
}
