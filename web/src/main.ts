/**
 * The web app's one entry: `/signup` signs a new contact center up; `/admin` is its admin console; `/agent` is the softphone; `/wallboard`
 * the supervisor's; `/phone` the customer phone (local cloud); `/` the local cloud's status page. The wallboard, the
 * customer phone page and the admin console arrive as features under web/src/<feature>/.
 */
import { startAdmin } from './admin/admin.ts';
import { startPhone } from './phone/phone-page.ts';
import { startSignup } from './signup/signup-page.ts';
import { startSoftphone } from './softphone/softphone.ts';
import { fetchHealth } from './status/health-client.ts';
import { renderHealth, renderHealthError } from './status/health-view.ts';
import { startWallboard } from './wallboard/wallboard.ts';

const app = document.querySelector<HTMLElement>('#app');
if (app !== null) {
  const path = location.pathname.replace(/\/+$/, '');
  if (path === '/agent') {
    document.title = 'Softphone · Openline';
    app.classList.add('app-wide');
    startSoftphone(app);
  } else if (path === '/wallboard') {
    document.title = 'Wallboard · Openline';
    app.classList.add('app-wide');
    startWallboard(app);
  } else if (path === '/admin') {
    document.title = 'Admin · Openline';
    app.classList.add('app-wide');
    startAdmin(app);
  } else if (path === '/signup') {
    document.title = 'Sign up · Openline';
    startSignup(app);
  } else if (path === '/phone') {
    document.title = 'Phone · Openline';
    void startPhone(app);
  } else {
    fetchHealth()
      .then((health) => renderHealth(app, health))
      .catch((error: unknown) => renderHealthError(app, error));
  }
}
