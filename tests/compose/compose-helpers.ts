// Shared by the tests/compose suites: run Debian's docker-compose v1 client
// (which validates and interpolates a file without a Docker engine) and read
// YAML through the PyYAML it depends on, so the tests add no npm dependency.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const composeFile = join(repoRoot, "docker-compose.cluster.yml");
export const templatePath = join(repoRoot, "nginx", "shop.conf.template");

/** Stand-ins for the secrets compose/generate-env.mjs writes to .env. */
export const fakeSecrets = {
  NEXTAUTH_SECRET: "test-nextauth-secret",
  METRICS_TOKEN: "test-metrics-token",
  NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: "dGVzdC1zZXJ2ZXItYWN0aW9ucy1rZXktMzItYnl0ZXM=",
  MYSQL_ROOT_PASSWORD: "test-root-password",
  SHOP_DB_PASSWORD: "test-shop-password",
} as const;

export const dockerCompose = "/usr/bin/docker-compose";

// An empty env file instead of the repository's .env: the tests never read or
// write the real secrets, whatever the developer has generated.
const emptyEnvFile = join(mkdtempSync(join(tmpdir(), "compose-test-")), "empty.env");
writeFileSync(emptyEnvFile, "");

export function runCompose(args: string[], secrets: Record<string, string> = fakeSecrets) {
  if (!existsSync(dockerCompose)) {
    throw new Error(`${dockerCompose} is missing: apt-get install docker-compose (the v1 client parses without an engine)`);
  }
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !(name in fakeSecrets) && !name.startsWith("COMPOSE_")) env[name] = value;
  }
  return spawnSync(dockerCompose, ["--env-file", emptyEnvFile, "-f", composeFile, ...args], {
    cwd: repoRoot,
    env: { ...env, ...secrets } as NodeJS.ProcessEnv,
    encoding: "utf8",
  });
}

/** YAML text -> plain data (merge keys and anchors resolved) via PyYAML. */
export function parseYaml(text: string): unknown {
  const result = spawnSync(
    "python3",
    ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"],
    { input: text, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`python3/yaml failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

export type Service = {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: (string | { source: string; target: string })[];
  ports?: unknown[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
};
export type ComposeConfig = { services: Record<string, Service> };

/** The file as docker-compose resolves it with the fake secrets. */
export function resolvedConfig(): ComposeConfig {
  const result = runCompose(["config"]);
  if (result.status !== 0) throw new Error(`docker-compose config failed:\n${result.stderr}`);
  return parseYaml(result.stdout) as ComposeConfig;
}

/** The file as committed (no interpolation): what a reader of the repository sees. */
export function rawConfig(): ComposeConfig {
  return parseYaml(readFileSync(composeFile, "utf8")) as ComposeConfig;
}

/** config.ini -> ordered list of [section, key/value map]; keys lower-cased. */
export function parseIni(text: string): [string, Record<string, string>][] {
  const sections: [string, Record<string, string>][] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/[#;].*$/, "").trim();
    if (!line) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      sections.push([header[1].trim().toLowerCase(), {}]);
      continue;
    }
    if (sections.length === 0) sections.push(["(none)", {}]);
    const eq = line.indexOf("=");
    const keys = sections[sections.length - 1][1];
    // A bare option (`ndbcluster`) is a flag: present, with an empty value.
    if (eq === -1) keys[line.toLowerCase()] = "";
    else keys[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  return sections;
}

/** `--name=value` from a command line, or undefined. */
export function flag(command: string[] | undefined, name: string): string | undefined {
  const prefix = `--${name}=`;
  return command?.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

/** Host of a mariadb:// URL. */
export function urlHost(url: string): string {
  return new URL(url).hostname;
}
