// Pure parts of the store: ids and the engine error table.
import { describe, expect, it } from "vitest";
import { classifyError } from "../src/engine-errors.ts";
import { ENGINE_ERRORS, ndbCodeOf } from "../src/engine-table.ts";
import { newOpId, SessionIds } from "../src/ids.ts";

const ids = new SessionIds("unit-secret-unit-secret-unit-secret-unit-secret");

describe("ids", () => {
  it("verifies its own ids and returns their issue time to the second", () => {
    const at = Date.UTC(2026, 11, 1, 12, 0, 0);
    expect(ids.verify(ids.issue(at))).toBe(at);
  });

  it("refuses ids under another secret, tampered ids and anything not 70 base64url characters", () => {
    const id = ids.issue(Date.now());
    const other = new SessionIds("other-secret-other-secret-other-secret-other!!").issue(Date.now());
    const flipped = id.slice(0, 5) + (id[5] === "x" ? "y" : "x") + id.slice(6);
    for (const bad of [other, flipped, id.slice(1), `${id}A`, id.replace(/./, "*"), "", null, 42]) expect(ids.verify(bad)).toBeNull();
  });

  it("refuses a short secret with a message naming the library", () => {
    expect(() => new SessionIds("short")).toThrow(/session-store: Bad usage/);
  });

  it("never repeats a ring op id in a process, and keeps them short", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(newOpId());
    expect(seen.size).toBe(100_000);
    for (const id of [...seen].slice(-3)) expect(id).toMatch(/^[A-Za-z0-9_-]{12,24}$/);
  });
});

describe("engine errors", () => {
  const err = (errno: number, message = "") => Object.assign(new Error(message), { errno });

  it.each([
    [1213, "conflict"], [1205, "conflict"], [1927, "connection"], [1053, "connection"], [1047, "connection"],
    [2013, "connection"], [1062, "permanent"], [1064, "permanent"], [3101, "conflict"], [9007, "conflict"],
  ])("errno %i is %s", (errno, expected) => {
    expect(classifyError(err(errno))).toBe(expected);
  });

  it.each([
    [4010, "conflict"], [4025, "conflict"], [4027, "conflict"], [4028, "conflict"], [266, "conflict"], [1204, "conflict"],
    [4008, "unknown_outcome"], [4009, "unknown_outcome"], [4012, "unknown_outcome"],
  ])("NDB temporary error %i inside 1297 is %s", (code, expected) => {
    expect(classifyError(err(1297, `Got temporary error ${code} 'x' from NDBCLUSTER`))).toBe(expected);
  });

  it("finds the code through a cause chain and Prisma's driverAdapterError", () => {
    const inner = err(1213);
    expect(classifyError(new Error("outer", { cause: inner }))).toBe("conflict");
    expect(classifyError({ meta: { driverAdapterError: { cause: { originalCode: "1213" } } } })).toBe("conflict");
    expect(classifyError(Object.assign(new Error("reset"), { code: "ECONNRESET" }))).toBe("connection");
  });

  it("parses NDB codes and lists every engine", () => {
    expect(ndbCodeOf("Got temporary error 4010 'Node failure caused abort of transaction' from NDBCLUSTER")).toBe(4010);
    expect(Object.keys(ENGINE_ERRORS).sort()).toEqual(["mariadb-galera", "mysql-group-replication", "mysql-ndb", "tidb"]);
  });
});

describe("values shared across copies of the module", () => {
  it("errors are recognised by instanceof even when thrown by another copy of the class", async () => {
    const { SessionRotatedError, SessionStoreUnavailableError } = await import("../src/errors.ts");
    const foreign = Object.assign(new Error("x"), { [Symbol.for("@shopcluster/session-store.error")]: "SessionRotatedError" });
    expect(foreign instanceof SessionRotatedError).toBe(true);
    expect(foreign instanceof SessionStoreUnavailableError).toBe(false);
    expect(new SessionRotatedError() instanceof SessionRotatedError).toBe(true);
    expect(new Error("plain") instanceof SessionRotatedError).toBe(false);
  });

  it("UNCHANGED is the registered symbol", async () => {
    const { UNCHANGED } = await import("../src/store.ts");
    expect(UNCHANGED).toBe(Symbol.for("@shopcluster/session-store.unchanged"));
  });
});
