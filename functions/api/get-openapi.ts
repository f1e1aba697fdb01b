/** GET /api/v1/openapi.json: the API's OpenAPI 3.1 document (no sign-in: it describes, it discloses nothing). */
import { httpHandler } from '../../layers/adapters/http-api.ts';
import { openApiDocument } from './openapi-document.ts';

let document: ReturnType<typeof openApiDocument> | undefined;

export const handler = httpHandler(async () => {
  document ??= openApiDocument('v1');
  return { status: 200, body: document };
});
