import { describe, expect, it } from "vitest";
import { CART_MAX_LINES, emptySessionData, MAX_REMEMBERED_OPS, MAX_SESSION_DATA_BYTES, parseSessionData, rememberOp, serializeSessionData } from "@/lib/session/data";
import { isWellFormedSessionId, newSessionId, sessionKey, sessionLabel } from "@/lib/session/ids";

describe("session ids", () => {
  it("are 256-bit base64url values, unique, and hashed to 32 bytes", () => {
    const ids = new Set(Array.from({ length: 1000 }, newSessionId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isWellFormedSessionId(id)).toBe(true);
    const [id] = ids;
    expect(Buffer.from(id, "base64url")).toHaveLength(32);
    expect(sessionKey(id)).toHaveLength(32);
    expect(sessionLabel(id)).toMatch(/^[0-9a-f]{12}$/);
  });

  it("anything not of that exact form is rejected", () => {
    for (const bad of [undefined, "", "short", "a".repeat(44), "a".repeat(42) + "=", "a".repeat(42) + "/", 42]) {
      expect(isWellFormedSessionId(bad)).toBe(false);
    }
  });
});

describe("session data", () => {
  it("round-trips", () => {
    const data = { cart: { lines: [{ productId: 1, quantity: 2 }] }, ops: ["a"] };
    expect(parseSessionData(serializeSessionData(data))).toEqual({ ok: true, data });
  });

  it.each(["", "{", "null", "[]", '{"cart":{}}', '{"cart":{"lines":[{"productId":1,"quantity":100}]},"ops":[]}'])(
    "malformed %j parses as empty with a reason",
    (text) => {
      const parsed = parseSessionData(text);
      expect(parsed.ok).toBe(false);
      expect(parsed.data).toEqual(emptySessionData());
      expect(!parsed.ok && parsed.reason).toEqual(expect.any(String));
    },
  );

  it("the largest data the schema allows still fits the size limit (and the TEXT column)", () => {
    const largest = {
      cart: { lines: Array.from({ length: CART_MAX_LINES }, (_, i) => ({ productId: 2 ** 31 - 1 - i, quantity: 99 })) },
      ops: Array.from({ length: MAX_REMEMBERED_OPS }, (_, i) => `${i}`.padEnd(80, "x")),
    };
    expect(Buffer.byteLength(serializeSessionData(largest))).toBeLessThanOrEqual(MAX_SESSION_DATA_BYTES);
  });

  it("remembers only the most recent op ids", () => {
    let data = emptySessionData();
    for (let i = 0; i < MAX_REMEMBERED_OPS + 5; i++) data = rememberOp(data, `op-${i}`);
    expect(data.ops).toHaveLength(MAX_REMEMBERED_OPS);
    expect(data.ops.at(-1)).toBe(`op-${MAX_REMEMBERED_OPS + 4}`);
    expect(data.ops).not.toContain("op-0");
  });
});
