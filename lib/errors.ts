// One error type for the whole app: a typed code that maps to an HTTP status
// and a plain message for the user. Details go to the server log, never to users.
export const ERROR_STATUS = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  /** The request's session id was just replaced by a sign-in or sign-out: retry with the new cookie. */
  session_rotated: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  limit: 422,
  empty_cart: 422,
  /** The Idempotency-Key was already used for a different request. */
  idempotency_key_reused: 422,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export type Failure<C extends ErrorCode = ErrorCode> = { ok: false; code: C; message: string; fieldErrors?: Record<string, string[]> };

export const SESSION_ROTATED_MESSAGE = "You just signed in or out in another tab or request. Please try again.";
export const KEY_REUSED_MESSAGE = "This Idempotency-Key was already used for a different request.";

export const UNAVAILABLE_MESSAGE = "The shop is having trouble reaching its database. Please try again in a moment.";
