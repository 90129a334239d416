// The typed contents of php_session.session_data, validated with zod on the
// way in and out. Whatever is stored that does not parse is treated as
// corrupt: the session keeps its id and owner but its data resets to empty.
import { z } from "zod";

export const CART_MAX_LINES = 100;
export const CART_MAX_QUANTITY = 99;
/** Ids of the last changes applied, so a retried change applies once. */
export const MAX_REMEMBERED_OPS = 32;
/** Upper bound for the serialized data; the column is TEXT (64 KiB). */
export const MAX_SESSION_DATA_BYTES = 16 * 1024;

export const cartLineSchema = z.object({
  productId: z.number().int().positive(),
  quantity: z.number().int().min(1).max(CART_MAX_QUANTITY),
});

export const sessionDataSchema = z.object({
  cart: z.object({ lines: z.array(cartLineSchema).max(CART_MAX_LINES) }),
  ops: z.array(z.string().min(1).max(80)).max(MAX_REMEMBERED_OPS),
});

export type CartLine = z.infer<typeof cartLineSchema>;
export type Cart = SessionData["cart"];
export type SessionData = z.infer<typeof sessionDataSchema>;

export function emptySessionData(): SessionData {
  return { cart: { lines: [] }, ops: [] };
}

export type ParsedSessionData = { ok: true; data: SessionData } | { ok: false; data: SessionData; reason: string };

/** Parse stored text; never throws. A malformed value yields empty data and the reason. */
export function parseSessionData(text: string): ParsedSessionData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, data: emptySessionData(), reason: `invalid JSON: ${(error as Error).message}` };
  }
  const parsed = sessionDataSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, data: emptySessionData(), reason: `wrong shape at ${issue.path.join(".") || "(root)"}: ${issue.message}` };
  }
  return { ok: true, data: parsed.data };
}

export function serializeSessionData(data: SessionData): string {
  const text = JSON.stringify(sessionDataSchema.parse(data));
  if (Buffer.byteLength(text) > MAX_SESSION_DATA_BYTES) {
    throw new SessionDataTooLargeError(Buffer.byteLength(text));
  }
  return text;
}

export class SessionDataTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`session data of ${bytes} bytes exceeds ${MAX_SESSION_DATA_BYTES}`);
  }
}

export function rememberOp(data: SessionData, opId: string): SessionData {
  return { ...data, ops: [...data.ops.filter((op) => op !== opId), opId].slice(-MAX_REMEMBERED_OPS) };
}
