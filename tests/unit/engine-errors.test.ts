import { describe, expect, it } from "vitest";
import { ENGINE_ERRORS, classifyEngineError, engineErrorsMarkdown, ndbCodeOf, type EngineName } from "@shopcluster/session-store";

describe("engine error table", () => {
  it.each([
    ["mariadb-galera", 1213, undefined, "conflict"],
    ["mariadb-galera", 4060, undefined, "conflict"],
    ["mariadb-galera", 1047, undefined, "connection"],
    ["mariadb-galera", 1927, undefined, "connection"],
    ["mariadb-galera", 4031, undefined, "permanent"],
    ["mysql-ndb", 1297, "Got temporary error 4010 'Node failure caused abort of transaction' from NDBCLUSTER", "conflict"],
    ["mysql-ndb", 1297, "Got temporary error 4008 'Receive from NDB failed' from NDBCLUSTER", "unknown_outcome"],
    ["mysql-ndb", 1296, "Got error 4009 'Cluster Failure' from NDBCLUSTER", "unknown_outcome"],
    ["mysql-ndb", 1297, "Got temporary error 410 'REDO log files overloaded' from NDBCLUSTER", "conflict"],
    ["mysql-ndb", 4031, undefined, "connection"],
    ["mysql-group-replication", 3101, undefined, "conflict"],
    ["mysql-group-replication", 1290, undefined, "connection"],
    ["mysql-group-replication", 1297, undefined, "permanent"],
    ["tidb", 9007, undefined, "conflict"],
    ["tidb", 8002, undefined, "conflict"],
    ["tidb", 2013, undefined, "connection"],
    ["tidb", 1062, undefined, "permanent"],
  ] as const)("%s: errno %i (%s) is %s", (engine, errno, message, expected) => {
    expect(classifyEngineError([engine as EngineName], { errno, message })).toBe(expected);
  });

  it("finds the NDB code in either message form, and nothing in others", () => {
    expect(ndbCodeOf("Got temporary error 266 'Time-out in NDB' from NDBCLUSTER")).toBe(266);
    expect(ndbCodeOf("Got error 4012 'Request ndbd time-out' from NDBCLUSTER")).toBe(4012);
    expect(ndbCodeOf("Deadlock found when trying to get lock")).toBeUndefined();
    expect(ndbCodeOf(undefined)).toBeUndefined();
  });

  it("lists each (errno, NDB code) once per engine", () => {
    for (const entries of Object.values(ENGINE_ERRORS)) {
      const keys = entries.map((entry) => `${entry.errno}/${entry.ndbCode ?? ""}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it("renders a markdown row per engine", () => {
    const table = engineErrorsMarkdown();
    expect(table.split("\n")).toHaveLength(2 + Object.keys(ENGINE_ERRORS).length);
    expect(table).toContain("1297/4008");
  });
});
