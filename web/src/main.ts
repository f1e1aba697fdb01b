/**
 * The local cloud's landing page: every service with its status and endpoint, read from GET /health.
 * The softphone, wallboard and admin console arrive as features under web/src/<feature>/.
 */
import { fetchHealth } from './status/health-client.ts';
import { renderHealth, renderHealthError } from './status/health-view.ts';

const app = document.querySelector<HTMLElement>('#app');
if (app !== null) {
  fetchHealth()
    .then((health) => renderHealth(app, health))
    .catch((error: unknown) => renderHealthError(app, error));
}
