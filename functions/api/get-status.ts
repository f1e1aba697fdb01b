/** GET /api/v1/status: the API is up, which version it speaks, and the region that answered. */

import { httpHandler } from '../../layers/adapters/http-api.ts';
import { runtimeConfig } from '../../layers/config/config.ts';

export const handler = httpHandler(async () => ({
  status: 200,
  body: {
    service: 'openline',
    apiVersion: 'v1',
    region: runtimeConfig().region,
    time: new Date().toISOString(),
  },
}));
