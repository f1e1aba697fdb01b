/** The HTTP API, signed in: JSON in and out, and an error that carries the API's own message. */
import type { Session } from './session.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** What the API listed as wrong with the request (a 400's `problems`). */
    readonly problems?: readonly { path: string; message: string }[],
  ) {
    super(message);
  }
}

export function apiClient(session: Session) {
  return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${session.idToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    if (!response.ok)
      throw new ApiError(
        response.status,
        String(parsed.message ?? `${method} ${path}: ${response.status}`),
        Array.isArray(parsed.problems) ? (parsed.problems as { path: string; message: string }[]) : undefined,
      );
    return parsed as T;
  };
}

export type Api = ReturnType<typeof apiClient>;
