/**
 * Typed domain errors. Adapters map them in one place: 4xx errors carry a message that is safe to show;
 * anything else becomes a generic 5xx with the detail in the log only.
 */
export abstract class OpenlineError extends Error {
  abstract readonly status: number;
  /** True when the message may be shown to the caller of an API. */
  readonly expose: boolean = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends OpenlineError {
  readonly status = 400;
  constructor(
    message: string,
    readonly problems: readonly { path: string; message: string }[] = [{ path: '', message }],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The caller is not signed in, or its verified identity lacks what every request needs (a tenant). */
export class UnauthorizedError extends OpenlineError {
  readonly status = 401;
}

/** The caller is signed in but its groups do not allow this. */
export class ForbiddenError extends OpenlineError {
  readonly status = 403;
}

export class NotFoundError extends OpenlineError {
  readonly status = 404;
}

export class ConflictError extends OpenlineError {
  readonly status = 409;
}

/** The caller's tenant is over one of its limits for now: retry after the given seconds. */
export class TooManyRequestsError extends OpenlineError {
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
