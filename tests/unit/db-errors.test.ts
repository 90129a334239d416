import { describe, expect, it } from "vitest";
import { Database, DatabaseUnavailableError, NodeNotReadyError, PROBE_TIMEOUT_MS } from "@/lib/db/database";
import { classifyDbError, isBusyPoolTimeout } from "@/lib/db/errors";
import { backoffDelay, withRetry } from "@/lib/db/retry";

const sqlError = (errno: number, extra: Record<string, unknown> = {}) => Object.assign(new Error(`errno ${errno}`), { errno, ...extra });
const ndbError = (code: number, temporary = true) =>
  sqlError(temporary ? 1297 : 1296, {
    sqlMessage: `Got ${temporary ? "temporary " : ""}error ${code} 'something' from NDBCLUSTER`,
  });

describe("retry classification", () => {
  it.each([
    [1213, "conflict"], [1205, "conflict"], [1297, "conflict"], [1180, "conflict"], [4060, "conflict"],
    [1047, "connection"], [1927, "connection"], [1053, "connection"],
    [2013, "connection"], [45009, "connection"], [45028, "connection"],
    [1062, "permanent"], [1146, "permanent"], [1064, "permanent"], [1045, "permanent"],
  ] as const)("errno %i is %s", (errno, expected) => {
    expect(classifyDbError(sqlError(errno))).toBe(expected);
  });

  it.each([4010, 4025, 4027, 4028, 266, 1204])("NDB temporary error %i inside 1297 is a retryable conflict", (code) => {
    expect(classifyDbError(ndbError(code))).toBe("conflict");
  });

  it.each([4008, 4009, 4012])("NDB error %i means unknown outcome, as 1297 or as 1296", (code) => {
    expect(classifyDbError(ndbError(code))).toBe("unknown_outcome");
    expect(classifyDbError(ndbError(code, false))).toBe("unknown_outcome");
  });

  it("reads the NDB code from the driver's full message when sqlMessage is absent", () => {
    const error = Object.assign(new Error("(conn:7, no: 1297, SQLState: HY000) Got temporary error 4012 'Request ndbd time-out' from NDBCLUSTER"), { errno: 1297 });
    expect(classifyDbError(error)).toBe("unknown_outcome");
  });

  it("keeps other NDB permanent errors (1296) permanent", () => {
    expect(classifyDbError(ndbError(626, false))).toBe("permanent");
  });

  it("sees through Prisma's wrapping of the driver error", () => {
    const prismaError = Object.assign(new Error("Transaction failed"), {
      code: "P2034",
      meta: { driverAdapterError: { cause: { originalCode: "1213", kind: "mysql" } } },
    });
    expect(classifyDbError(prismaError)).toBe("conflict");
    const ndbViaPrisma = Object.assign(new Error("x"), {
      meta: { driverAdapterError: { cause: { originalCode: "1297", originalMessage: "Got temporary error 4009 'Cluster Failure' from NDBCLUSTER" } } },
    });
    expect(classifyDbError(ndbViaPrisma)).toBe("unknown_outcome");
    expect(classifyDbError(Object.assign(new Error("x"), { cause: { kind: "DatabaseNotReachable" } }))).toBe("connection");
  });

  it("treats refused and reset sockets as connection errors", () => {
    expect(classifyDbError(Object.assign(new Error("connect"), { code: "ECONNREFUSED" }))).toBe("connection");
    expect(classifyDbError(new Error("plain"))).toBe("permanent");
  });

  it("tells a busy pool's acquire timeout from a dead endpoint's", () => {
    expect(isBusyPoolTimeout(sqlError(45028), 10)).toBe(true);
    expect(isBusyPoolTimeout(sqlError(45028), 0)).toBe(false);
    expect(isBusyPoolTimeout(sqlError(2003), 10)).toBe(false);
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

  it.each([45012, 1927, 1053])("stops after a few connection failures (errno %i): every node may be down", async (errno) => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw sqlError(errno); }, { attempts: 40, baseDelayMs: 0 })).rejects.toBeTruthy();
    expect(calls).toBe(3);
  });

  it("retries an unknown outcome like a lost connection by default", async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw ndbError(4008); }, { attempts: 40, baseDelayMs: 0 })).rejects.toBeTruthy();
    expect(calls).toBe(3);
  });

  it("does not retry an unknown outcome when the work is not idempotent", async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw ndbError(4012); }, { baseDelayMs: 0, retryUnknownOutcome: false })).rejects.toBeTruthy();
    expect(calls).toBe(1);
  });

  it("backs off with full jitter under a ceiling", () => {
    for (let attempt = 1; attempt < 12; attempt++) {
      const delay = backoffDelay(attempt, 5, 400);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(400, 5 * 2 ** attempt));
    }
  });
});

describe("Database endpoints under connection-class errors", () => {
  // Real Database class, its pools replaced by in-memory stand-ins: no server needed.
  function fakeDatabase(failWith: () => unknown, activeConnections = 0) {
    const database = new Database({ urls: ["mariadb://u:p@127.0.0.1:1/db", "mariadb://u:p@127.0.0.1:2/db"], retry: { baseDelayMs: 0 } });
    const events = { destroyed: 0, released: 0, acquired: 0 };
    for (const endpoint of database.endpoints) {
      void endpoint.pool.end().catch(() => undefined);
      endpoint.pool = {
        activeConnections: () => activeConnections,
        totalConnections: () => activeConnections + 1,
        getConnection: async () => {
          events.acquired++;
          return {
            execute: async () => { throw failWith(); },
            destroy: () => { events.destroyed++; },
            release: async () => { events.released++; },
          };
        },
        end: async () => undefined,
      } as never;
    }
    return { database, events };
  }

  it.each([1927, 1053])("errno %i destroys the connection, marks the endpoint down, and stops after 3 attempts", async (errno) => {
    const { database, events } = fakeDatabase(() => sqlError(errno));
    // Each attempt goes to the next endpoint; once every endpoint is marked down the call fails fast.
    const error = await database.query("SELECT 1").catch((e: unknown) => e);
    expect((error as { errno?: number }).errno === errno || error instanceof DatabaseUnavailableError).toBe(true);
    expect(events.acquired).toBeGreaterThanOrEqual(2);
    expect(events.acquired).toBeLessThanOrEqual(3);
    expect(events).toMatchObject({ destroyed: events.acquired, released: 0 });
    expect(database.endpoints.every((endpoint) => endpoint.downUntil > Date.now())).toBe(true);
  });

  it("a conflict returns the connection to the pool and leaves the endpoint up", async () => {
    const { database, events } = fakeDatabase(() => sqlError(1213));
    await expect(database.query("SELECT 1", undefined)).rejects.toMatchObject({ errno: 1213 });
    expect(events.destroyed).toBe(0);
    expect(events.released).toBe(events.acquired);
    expect(database.endpoints.every((endpoint) => endpoint.downUntil === 0)).toBe(true);
  });

  it("a pool acquire timeout on a busy pool does not mark the endpoint down", async () => {
    const { database } = fakeDatabase(() => sqlError(1213), 10);
    for (const endpoint of database.endpoints) {
      endpoint.pool.getConnection = async () => { throw sqlError(45028); };
    }
    await expect(database.query("SELECT 1")).rejects.toMatchObject({ errno: 45028 });
    expect(database.endpoints.every((endpoint) => endpoint.downUntil === 0)).toBe(true);
  });

  it("a pool acquire timeout with nothing in use (a dead endpoint) marks it down", async () => {
    const { database } = fakeDatabase(() => sqlError(1213), 0);
    for (const endpoint of database.endpoints) {
      endpoint.pool.getConnection = async () => { throw sqlError(45028); };
    }
    const error = await database.query("SELECT 1").catch((e: unknown) => e);
    expect((error as { errno?: number }).errno === 45028 || error instanceof DatabaseUnavailableError).toBe(true);
    expect(database.endpoints.every((endpoint) => endpoint.downUntil > Date.now())).toBe(true);
  });
});

describe("Database probes and nodes out of the primary component", () => {
  type Behaviour = {
    /** getConnection: "ok", "hang" (never answers: a dead endpoint's pool retrying) or an error to throw. */
    acquire: "ok" | "hang" | (() => unknown);
    /** What execute (the work) and query (SELECT 1, SHOW STATUS) do. */
    execute?: () => unknown;
    wsrepReady?: "ON" | "OFF" | null;
  };
  function fakeDatabase(behaviours: Behaviour[], downForMs = 3000) {
    const urls = behaviours.map((_, i) => `mariadb://u:p@127.0.0.1:${i + 1}/db`);
    const database = new Database({ urls, downForMs, retry: { baseDelayMs: 0 } });
    const calls = behaviours.map(() => ({ acquired: 0, executed: 0, statusChecks: 0 }));
    database.endpoints.forEach((endpoint, i) => {
      const behaviour = behaviours[i]!;
      const call = calls[i]!;
      void endpoint.pool.end().catch(() => undefined);
      const conn = {
        execute: async () => {
          call.executed++;
          if (behaviour.execute) throw behaviour.execute();
          return [{ node: i + 1 }];
        },
        query: async (sql: string) => {
          if (sql.startsWith("SHOW STATUS")) {
            call.statusChecks++;
            return behaviour.wsrepReady ? [{ Variable_name: "wsrep_ready", Value: behaviour.wsrepReady }] : [];
          }
          if (behaviour.execute) throw behaviour.execute();
          return [{ 1: 1 }];
        },
        destroy: () => undefined,
        release: async () => undefined,
      };
      endpoint.pool = {
        activeConnections: () => 0,
        totalConnections: () => 1,
        getConnection: () => {
          call.acquired++;
          if (behaviour.acquire === "hang") return new Promise(() => undefined);
          if (behaviour.acquire !== "ok") return Promise.reject(behaviour.acquire());
          return Promise.resolve(conn);
        },
        end: async () => undefined,
      } as never;
    });
    return { database, calls };
  }
  const overdue = (database: Database, i: number) => {
    database.endpoints[i]!.downUntil = Date.now() - 1;
  };

  it("never waits on a marked-down endpoint's probe while another endpoint is live", async () => {
    const { database, calls } = fakeDatabase([{ acquire: "hang" }, { acquire: "ok" }]);
    overdue(database, 0);
    const started = performance.now();
    await expect(database.query("SELECT 1")).resolves.toEqual([{ node: 2 }]);
    expect(performance.now() - started).toBeLessThan(100);
    // The probe of the first endpoint runs in the background and fails after PROBE_TIMEOUT_MS.
    expect(calls[0]!.acquired).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, PROBE_TIMEOUT_MS + 50));
    expect(database.endpoints[0]!.downUntil).toBeGreaterThan(Date.now());
  });

  it("with every endpoint down, a retried call waits for one round of probes at most, not one per retry", async () => {
    const { database, calls } = fakeDatabase([{ acquire: "hang" }, { acquire: "hang" }, { acquire: "hang" }]);
    for (let i = 0; i < 3; i++) overdue(database, i);
    const started = performance.now();
    const error = await database.query("SELECT 1").catch((e: unknown) => e);
    const ms = performance.now() - started;
    expect(error).toBeInstanceOf(Error);
    expect(ms).toBeLessThan(PROBE_TIMEOUT_MS + 300);
    expect(calls.map((c) => c.acquired)).toEqual([1, 1, 1]);
    // Now every endpoint is known down: the next call, and allDown(), answer at once.
    expect(database.allDown()).toBe(true);
    const again = performance.now();
    await expect(database.query("SELECT 1")).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(performance.now() - again).toBeLessThan(50);
  });

  it("allDown() starts the due probes without waiting, and an endpoint whose probe succeeds is live again", async () => {
    const { database } = fakeDatabase([{ acquire: "ok" }, { acquire: () => sqlError(45028) }]);
    overdue(database, 0);
    overdue(database, 1);
    expect(database.allDown()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(database.allDown()).toBe(false);
    expect(database.currentEndpoint().name).toBe("127.0.0.1:1");
    await expect(database.query("SELECT 1")).resolves.toEqual([{ node: 1 }]);
  });

  it("a 1205 from a node whose wsrep_ready is OFF is NodeNotReadyError: the endpoint is marked down and the work moves on", async () => {
    const { database, calls } = fakeDatabase([{ acquire: "ok", execute: () => sqlError(1205), wsrepReady: "OFF" }, { acquire: "ok" }]);
    await expect(database.query("SELECT 1")).resolves.toEqual([{ node: 2 }]);
    expect(calls[0]!).toMatchObject({ executed: 1, statusChecks: 1 });
    expect(database.endpoints[0]!.downUntil).toBeGreaterThan(Date.now());
    expect(classifyDbError(new NodeNotReadyError("x", sqlError(1205)))).toBe("connection");
  });

  it.each([
    ["ON", "a Galera node in the primary component"],
    [null, "NDB, which has no wsrep_ready"],
  ] as const)("a 1205 with wsrep_ready %s (%s) stays a lock wait timeout: a conflict, retried, the endpoint left up", async (ready, _why) => {
    const { database, calls } = fakeDatabase([{ acquire: "ok", execute: () => sqlError(1205), wsrepReady: ready }, { acquire: "ok" }]);
    await expect(database.query("SELECT 1")).rejects.toMatchObject({ errno: 1205 });
    expect(calls[0]!.executed).toBeGreaterThan(1);
    expect(calls[1]!.executed).toBe(0);
    expect(database.endpoints[0]!.downUntil).toBe(0);
  });
});
