import { describe, expect, it } from "vitest";
import { classifyDbError } from "@/lib/db/errors";
import { backoffDelay, withRetry } from "@/lib/db/retry";

const sqlError = (errno: number, extra: Record<string, unknown> = {}) => Object.assign(new Error(`errno ${errno}`), { errno, ...extra });

describe("retry classification", () => {
  it.each([
    [1213, "conflict"], [1205, "conflict"], [1297, "conflict"], [1047, "conflict"],
    [2013, "connection"], [45009, "connection"], [45028, "connection"],
    [1062, "permanent"], [1146, "permanent"], [1064, "permanent"], [1045, "permanent"],
  ] as const)("errno %i is %s", (errno, expected) => {
    expect(classifyDbError(sqlError(errno))).toBe(expected);
  });

  it("sees through Prisma's wrapping of the driver error", () => {
    const prismaError = Object.assign(new Error("Transaction failed"), {
      code: "P2034",
      meta: { driverAdapterError: { cause: { originalCode: "1213", kind: "mysql" } } },
    });
    expect(classifyDbError(prismaError)).toBe("conflict");
    expect(classifyDbError(Object.assign(new Error("x"), { cause: { kind: "DatabaseNotReachable" } }))).toBe("connection");
  });

  it("treats refused and reset sockets as connection errors", () => {
    expect(classifyDbError(Object.assign(new Error("connect"), { code: "ECONNREFUSED" }))).toBe("connection");
    expect(classifyDbError(new Error("plain"))).toBe("permanent");
  });
});

describe("withRetry", () => {
  it("retries conflicts up to the bound, then gives up with the last error", async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw sqlError(1213); }, { attempts: 4, baseDelayMs: 0 })).rejects.toMatchObject({ errno: 1213 });
    expect(calls).toBe(4);
  });

  it("never retries a permanent error", async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw sqlError(1146); })).rejects.toMatchObject({ errno: 1146 });
    expect(calls).toBe(1);
  });

  it("stops after a few connection failures: every node may be down", async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw sqlError(45012); }, { attempts: 10, baseDelayMs: 0 })).rejects.toBeTruthy();
    expect(calls).toBe(3);
  });

  it("backs off with full jitter under a ceiling", () => {
    for (let attempt = 1; attempt < 12; attempt++) {
      const delay = backoffDelay(attempt, 5, 400);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(400, 5 * 2 ** attempt));
    }
  });
});
