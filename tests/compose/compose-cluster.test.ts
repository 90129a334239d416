// Static proof of docker-compose.cluster.yml (no Docker engine here or in CI):
// Debian's docker-compose v1 validates and interpolates it, and these tests
// assert the NDB topology, the start order, the secrets policy and the web
// nodes' wiring that compose/README.md promises.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  composeFile,
  fakeSecrets,
  flag,
  parseIni,
  rawConfig,
  repoRoot,
  resolvedConfig,
  runCompose,
  type Service,
  urlHost,
} from "./compose-helpers";

const config = resolvedConfig();
const services = config.services;
const configIni = parseIni(readFileSync(join(repoRoot, "compose/ndb/config.ini"), "utf8"));
const myCnf = parseIni(readFileSync(join(repoRoot, "compose/mysql/my.cnf"), "utf8"));
const webNames = ["web-1", "web-2", "web-3"];

const byCommand = (program: string[]) =>
  Object.entries(services)
    .filter(([, service]) => program.includes(service.command?.[0] ?? ""))
    .map(([name]) => name)
    .sort();
const sections = (name: string) => configIni.filter(([section]) => section === name).map(([, keys]) => keys);
const mounts = (service: Service) =>
  (service.volumes ?? []).map((volume) =>
    typeof volume === "string"
      ? { source: volume.split(":")[0], target: volume.split(":")[1] }
      : { source: volume.source, target: volume.target },
  );

describe("docker-compose -f docker-compose.cluster.yml config", () => {
  it("accepts the file when the .env secrets are present", () => {
    const result = runCompose(["config", "--quiet"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("refuses to run without .env and names the command that writes it", () => {
    const result = runCompose(["config", "--quiet"], {});
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("run node compose/generate-env.mjs");
  });
});

describe("NDB topology", () => {
  it("has one management node and two data nodes, each in config.ini under its service name", () => {
    expect(byCommand(["ndb_mgmd"])).toEqual(["ndb-mgmd"]);
    expect(byCommand(["ndbd", "ndbmtd"])).toEqual(["ndbd-1", "ndbd-2"]);
    expect(sections("ndb_mgmd").map((keys) => keys.hostname)).toEqual(["ndb-mgmd"]);
    expect(sections("ndbd").map((keys) => keys.hostname)).toEqual(["ndbd-1", "ndbd-2"]);
  });

  it("keeps two replicas of every fragment, so either data node may die", () => {
    expect(sections("ndbd default")).toHaveLength(1);
    expect(sections("ndbd default")[0].noofreplicas).toBe("2");
    expect(sections("ndbd")).toHaveLength(2);
  });

  it("gives each NDB process the node id that config.ini assigns to its host name", () => {
    for (const [section, keys] of configIni.filter(([s]) => ["ndb_mgmd", "ndbd", "mysqld"].includes(s))) {
      const service = services[keys.hostname];
      expect(service, `${section} ${keys.hostname}`).toBeDefined();
      expect(flag(service.command, "ndb-nodeid"), keys.hostname).toBe(keys.nodeid);
    }
    const ids = configIni.map(([, keys]) => keys.nodeid).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("has two SQL nodes with NDBCLUSTER as the default engine and spare API slots for tools", () => {
    expect(byCommand(["mysqld"])).toEqual(["mysql-1", "mysql-2"]);
    expect(sections("mysqld").map((keys) => keys.hostname)).toEqual(["mysql-1", "mysql-2"]);
    expect(sections("api").length).toBeGreaterThanOrEqual(2);
    const mysqld = Object.fromEntries(myCnf.filter(([s]) => s === "mysqld").flatMap(([, keys]) => Object.entries(keys)));
    expect(mysqld).toHaveProperty("ndbcluster");
    expect(mysqld.default_storage_engine?.toUpperCase()).toBe("NDBCLUSTER");
    expect(mysqld.transaction_isolation).toBe("READ-COMMITTED");
    expect(mysqld["ndb-connectstring"]).toBe("ndb-mgmd:1186");
    for (const name of ["ndb-mgmd", "ndbd-1", "ndbd-2", "mysql-1", "mysql-2"]) {
      expect(mounts(services[name])).toContainEqual({ source: join(repoRoot, "compose/mysql/my.cnf"), target: "/etc/my.cnf" });
    }
    expect(mounts(services["ndb-mgmd"])).toContainEqual({
      source: join(repoRoot, "compose/ndb/config.ini"),
      target: "/etc/mysql-cluster.cnf",
    });
  });

  it("pins the official NDB image to an 8.4 LTS release", () => {
    for (const name of ["ndb-mgmd", "ndbd-1", "ndbd-2", "mysql-1", "mysql-2"]) {
      expect(services[name].image).toMatch(/^container-registry\.oracle\.com\/mysql\/community-cluster:8\.4\.\d+$/);
    }
  });
});

describe("web nodes and migrate", () => {
  it("builds web-1..web-3 from the project's Dockerfile, one image shared by all", () => {
    expect(Object.keys(services).filter((name) => services[name].build?.target === "runner").sort()).toEqual(webNames);
    for (const name of webNames) {
      expect(services[name].build).toMatchObject({ context: repoRoot, dockerfile: "Dockerfile", target: "runner" });
      expect(services[name].image).toBe("shopcluster-web:local");
    }
    expect(services.migrate.build).toMatchObject({ context: repoRoot, dockerfile: "Dockerfile", target: "migrate" });
  });

  it("points each web node at its own SQL node first and the other one as fallback", () => {
    const own = { "web-1": "mysql-1", "web-2": "mysql-2", "web-3": "mysql-1" } as Record<string, string>;
    for (const name of webNames) {
      const env = services[name].environment ?? {};
      expect(env.NODE_NAME).toBe(name);
      expect(urlHost(env.DATABASE_URL)).toBe(own[name]);
      const fallbacks = env.DATABASE_FALLBACK_URLS.split(",").map(urlHost);
      expect(fallbacks).toEqual([own[name] === "mysql-1" ? "mysql-2" : "mysql-1"]);
      for (const url of [env.DATABASE_URL, ...env.DATABASE_FALLBACK_URLS.split(",")]) {
        const parsed = new URL(url);
        expect(parsed.protocol).toBe("mariadb:");
        expect(parsed.port).toBe("3306");
        expect(parsed.pathname).toBe("/shop");
        expect(decodeURIComponent(parsed.password)).toBe(fakeSecrets.SHOP_DB_PASSWORD);
        // MySQL 8.4 authenticates with caching_sha2_password; over plain TCP the
        // mariadb driver may then only fetch the server's RSA key if allowed.
        expect(parsed.searchParams.get("allowPublicKeyRetrieval")).toBe("true");
      }
    }
    expect(urlHost(services.migrate.environment?.DATABASE_URL ?? "")).toBe("mysql-1");
  });

  it("shares the secrets and public URL across nodes, and builds with the runtime's Server Actions key", () => {
    for (const name of webNames) {
      const service = services[name];
      expect(service.environment).toMatchObject({
        NEXTAUTH_URL: "http://localhost:8080",
        NEXTAUTH_SECRET: fakeSecrets.NEXTAUTH_SECRET,
        NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: fakeSecrets.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY,
        TRUST_PROXY: "1",
        HOSTNAME: "0.0.0.0",
        PORT: "3000",
      });
      expect(service.build?.args?.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY).toBe(fakeSecrets.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY);
    }
  });
});

describe("start order and health", () => {
  it("gives every long-running service a healthcheck", () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === "migrate") continue;
      expect(service.healthcheck?.disable, name).not.toBe(true);
      expect(service.healthcheck?.test?.length, name).toBeGreaterThan(0);
    }
    expect(JSON.stringify(services["ndb-mgmd"].healthcheck?.test)).toContain("ndb_mgm");
    expect(JSON.stringify(services["ndbd-1"].healthcheck?.test)).toContain("2 status");
    expect(JSON.stringify(services["mysql-1"].healthcheck?.test)).toContain("mysqladmin");
    expect(JSON.stringify(services["web-1"].healthcheck?.test)).toContain("/api/health");
  });

  it("starts mgmd, data nodes, SQL nodes, migrate, web nodes, nginx in that order", () => {
    const needs = (name: string) =>
      Object.entries(services[name].depends_on ?? {}).map(([dependency, { condition }]) => `${dependency}:${condition}`).sort();
    expect(needs("ndb-mgmd")).toEqual([]);
    expect(needs("ndbd-1")).toEqual(["ndb-mgmd:service_healthy"]);
    expect(needs("ndbd-2")).toEqual(["ndb-mgmd:service_healthy"]);
    for (const sql of ["mysql-1", "mysql-2"]) expect(needs(sql)).toEqual(["ndbd-1:service_healthy", "ndbd-2:service_healthy"]);
    expect(needs("migrate")).toEqual(["mysql-1:service_healthy", "mysql-2:service_healthy"]);
    for (const web of webNames) expect(needs(web)).toEqual(["migrate:service_completed_successfully"]);
    expect(needs("nginx")).toEqual(webNames.map((web) => `${web}:service_healthy`));
  });

  it("publishes only nginx, on port 8080", () => {
    const published = Object.entries(services).filter(([, service]) => (service.ports ?? []).length > 0);
    expect(published.map(([name]) => name)).toEqual(["nginx"]);
    expect(JSON.stringify(services.nginx.ports)).toMatch(/"published":"?8080"?/);
  });
});

describe("secrets", () => {
  const secretName = /PASSWORD|SECRET|KEY|TOKEN/i;
  const reference = /^\$\{[A-Z][A-Z0-9_]*:\?[^}]+\}$/;

  function* strings(value: unknown, path: string): Generator<[string, string]> {
    if (typeof value === "string") yield [path, value];
    else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, `${path}[${i}]`);
    else if (value && typeof value === "object")
      for (const [key, item] of Object.entries(value)) yield* strings(item, path ? `${path}.${key}` : key);
  }

  it("commits no secret: every secret-named value is a required ${VAR} reference", () => {
    const raw = rawConfig();
    const found = [...strings(raw.services, "services")].filter(([path]) => secretName.test(path.split(".").pop() ?? ""));
    expect(found.length).toBeGreaterThanOrEqual(3 * 3);
    for (const [path, value] of found) expect(value, path).toMatch(reference);
  });

  it("commits no password inside a database URL", () => {
    const urls = [...strings(rawConfig().services, "services")].filter(([, value]) => /^[a-z]+:\/\/.*@/.test(value));
    expect(urls.length).toBeGreaterThanOrEqual(7);
    for (const [path, value] of urls) {
      // user:password@host, where the password itself may contain '/' (the ${VAR:?message}).
      const password = /^[a-z]+:\/\/[^:@/]+:(.*)@[^@]*$/.exec(value)?.[1] ?? "";
      expect(password, path).toMatch(reference);
    }
  });

  it("keeps .env out of git and out of the image build context", () => {
    const ignored = (file: string) => readFileSync(join(repoRoot, file), "utf8").split("\n").map((line) => line.trim());
    expect(ignored(".gitignore")).toContain(".env");
    expect(ignored(".dockerignore")).toContain(".env");
  });

  it("interpolates only variables that compose/generate-env.mjs writes", () => {
    const referenced = new Set([...readFileSync(composeFile, "utf8").matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));
    expect([...referenced].sort()).toEqual(Object.keys(fakeSecrets).sort());
  });
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
  const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)\s+AS\s+(\S+)/gim)].map((m) => ({ from: m[1], name: m[2] }));
  const stageText = (name: string) => {
    const start = dockerfile.search(new RegExp(`^FROM\\s+\\S+\\s+AS\\s+${name}\\s*$`, "im"));
    const next = dockerfile.slice(start + 1).search(/^FROM\s/im);
    return next === -1 ? dockerfile.slice(start) : dockerfile.slice(start, start + 1 + next);
  };

  it("is multi-stage with deps, build, runner and migrate targets on a pinned Node 20 bookworm-slim", () => {
    expect(stages.map((stage) => stage.name)).toEqual(["base", "deps", "build", "runner", "migrate"]);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20\.\d+\.\d+-bookworm-slim$/m);
    expect(stageText("deps")).toMatch(/RUN npm ci --no-audit --no-fund\b/);
    expect(stageText("build")).toMatch(/ARG NEXT_SERVER_ACTIONS_ENCRYPTION_KEY/);
    expect(stageText("build")).toMatch(/npm run build/);
  });

  it("runs the standalone server as a non-root user with a health check", () => {
    const runner = stageText("runner");
    expect(runner).toMatch(/COPY --from=build --chown=node:node \/app\/\.next\/standalone/);
    expect(runner).toMatch(/^USER node$/m);
    expect(runner).toMatch(/HOSTNAME=0\.0\.0\.0/);
    expect(runner).toMatch(/PORT=3000/);
    expect(runner).toMatch(/HEALTHCHECK[\s\S]*\/api\/health/);
    // serve.mjs starts Next's server.js and drains it on SIGTERM (cluster/serve.mjs).
    expect(runner).toMatch(/^CMD \["node", "serve\.mjs"\]$/m);
    expect(runner).toMatch(/COPY --from=build --chown=node:node \/app\/cluster\/serve\.mjs \.\/serve\.mjs/);
    expect(runner).not.toMatch(/NEXT_SERVER_ACTIONS_ENCRYPTION_KEY/);
  });

  it("runs the migrator and the seed in the migrate target", () => {
    const migrate = stageText("migrate");
    expect(migrate).toMatch(/npm run db:migrate && npm run db:seed/);
    expect(migrate).toMatch(/^USER node$/m);
    const scripts = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).scripts;
    expect(scripts["db:migrate"]).toBeTruthy();
    expect(scripts["db:seed"]).toBeTruthy();
  });
});
