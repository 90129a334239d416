// The store's typed errors. Every message names the library, as iron-session
// does, so a log line says where it came from. `instanceof` works across
// copies of this module (a bundler may include it once per server bundle): it
// checks a registered brand, not the class's identity.

const BRAND = Symbol.for("@shopcluster/session-store.error");

function branded(name: string) {
  return {
    [Symbol.hasInstance](value: unknown): boolean {
      return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === name;
    },
  };
}

/** The database could not be reached or kept failing: the caller answers 503 and must not mint a new session. */
export class SessionStoreUnavailableError extends Error {
  static [Symbol.hasInstance] = branded("SessionStoreUnavailableError")[Symbol.hasInstance];
  readonly [BRAND] = "SessionStoreUnavailableError";
  readonly code = "unavailable";
  constructor(cause: unknown) {
    super("session-store: the session database is unavailable", { cause });
  }
}

/** The application's data, serialized, is larger than the column allows. */
export class SessionDataTooLargeError extends Error {
  static [Symbol.hasInstance] = branded("SessionDataTooLargeError")[Symbol.hasInstance];
  readonly [BRAND] = "SessionDataTooLargeError";
  readonly code = "too_large";
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`session-store: session data of ${bytes} bytes exceeds the limit of ${limit}`);
  }
}

/**
 * The request carried an id that a sign-in or sign-out rotated away moments
 * ago. It must neither act in the session it was rotated into (fixation) nor
 * get a fresh session (that would fork the visitor's cart): answer with a
 * distinct status (409) and let the client retry with its new cookie.
 */
export class SessionRotatedError extends Error {
  static [Symbol.hasInstance] = branded("SessionRotatedError")[Symbol.hasInstance];
  readonly [BRAND] = "SessionRotatedError";
  readonly code = "session_rotated";
  constructor() {
    super("session-store: this session id was just replaced (sign-in or sign-out); retry with the new cookie");
  }
}

/** The same idempotency key arrived with a different request. */
export class IdempotencyKeyReusedError extends Error {
  static [Symbol.hasInstance] = branded("IdempotencyKeyReusedError")[Symbol.hasInstance];
  readonly [BRAND] = "IdempotencyKeyReusedError";
  readonly code = "idempotency_key_reused";
  constructor() {
    super("session-store: this idempotency key was already used for a different request");
  }
}
