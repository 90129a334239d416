// The compose load balancer is rendered from the same nginx/shop.conf.template
// the local cluster uses. These tests render it the way the official nginx
// image does (envsubst of the SHOP_* variables only) and check the result.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rawConfig, repoRoot, resolvedConfig, templatePath } from "./compose-helpers";

const shopVariables = ["SHOP_LISTEN", "SHOP_UPSTREAM_SERVERS", "SHOP_ACCESS_LOG", "SHOP_OUTAGE_ROOT"] as const;
const nginx = resolvedConfig().services.nginx;
const nginxEnv = nginx.environment ?? {};
const webServices = Object.entries(resolvedConfig().services)
  .filter(([, service]) => service.build?.target === "runner")
  .map(([name]) => name)
  .sort();

/** envsubst with a variable list: `$NAME` and `${NAME}` for those names only. */
function envsubst(template: string, values: Record<string, string>): string {
  const names = Object.keys(values).join("|");
  return template.replace(new RegExp(`\\$(?:\\{(${names})\\}|(${names})(?![A-Za-z0-9_]))`, "g"), (_, braced, bare) => values[braced ?? bare]);
}

function upstreamServers(conf: string): string[] {
  const block = /upstream\s+\S+\s*\{([\s\S]*?)\}/.exec(conf)?.[1] ?? "";
  // One statement per `;` (the compose value puts all servers on one line).
  return block
    .split(";")
    .map((statement) => /^\s*server\s+(\S+)/.exec(statement.replace(/#.*$/gm, ""))?.[1])
    .filter((server): server is string => server !== undefined);
}

const shopValues = Object.fromEntries(shopVariables.map((name) => [name, nginxEnv[name] ?? ""]));

describe("nginx in docker-compose.cluster.yml", () => {
  it("mounts the local cluster's template where the nginx image renders templates", () => {
    expect(rawConfig().services.nginx.volumes).toContain("./nginx/shop.conf.template:/etc/nginx/templates/shop.conf.template:ro");
    expect(rawConfig().services.nginx.volumes).toContain(`./public/outage.html:${nginxEnv.SHOP_OUTAGE_ROOT}/outage.html:ro`);
    expect(nginx.image).toMatch(/^nginx:1\.\d+\.\d+-alpine$/);
  });

  it("sets exactly the template variables and limits envsubst to them", () => {
    expect(Object.keys(nginxEnv).filter((name) => name.startsWith("SHOP_")).sort()).toEqual([...shopVariables].sort());
    expect(nginxEnv.SHOP_LISTEN).toBe("8080");
    expect(nginxEnv.SHOP_ACCESS_LOG).toBe("/dev/stdout");
    const filter = new RegExp(nginxEnv.NGINX_ENVSUBST_FILTER ?? "");
    for (const name of shopVariables) expect(filter.test(name), name).toBe(true);
    for (const name of ["HOSTNAME", "PATH", "NGINX_VERSION", "HOME"]) expect(filter.test(name), name).toBe(false);
  });

  it("lists every web service once in the upstream, failing fast on a dead node", () => {
    const servers = [...nginxEnv.SHOP_UPSTREAM_SERVERS.matchAll(/server\s+([^\s;]+)([^;]*);/g)];
    expect(servers.map((m) => m[1])).toEqual(webServices.map((name) => `${name}:3000`));
    for (const [, , params] of servers) expect(params).toMatch(/max_fails=1 fail_timeout=5s/);
  });
});

describe("nginx/shop.conf.template rendered with the compose values", () => {
  it("exists (the CLUSTER engineer's template; compose reuses it unchanged)", () => {
    expect(existsSync(templatePath), templatePath).toBe(true);
  });

  const template = existsSync(templatePath) ? readFileSync(templatePath, "utf8") : "";
  const rendered = envsubst(template, shopValues);

  it.skipIf(!template)("uses no placeholder besides the three SHOP_* variables", () => {
    const placeholders = new Set([...template.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]));
    expect([...placeholders].filter((name) => !(shopVariables as readonly string[]).includes(name))).toEqual([]);
    expect(rendered).not.toMatch(/\$\{?SHOP_/);
  });

  it.skipIf(!template)("yields an upstream naming web-1, web-2 and web-3 and a server on 8080", () => {
    expect(upstreamServers(rendered)).toEqual(webServices.map((name) => `${name}:3000`));
    expect(rendered).toMatch(/^\s*listen\s+8080(\s+backlog=\d+)?(\s+reuseport)?\s*;/m);
    expect(rendered).toMatch(/access_log\s+\/dev\/stdout\b/);
    // nginx's own variables survive the substitution.
    expect(rendered).toContain("$http_host");
  });

  const nginxBinary = "/usr/sbin/nginx";
  it.skipIf(!template || !existsSync(nginxBinary))("passes nginx -t", () => {
    const dir = mkdtempSync(join(tmpdir(), "compose-nginx-"));
    for (const sub of ["logs", "temp"]) mkdirSync(join(dir, sub));
    // web-N only resolves inside the compose network; give nginx -t local
    // addresses with the same server parameters.
    const local = envsubst(template, {
      ...shopValues,
      SHOP_UPSTREAM_SERVERS: shopValues.SHOP_UPSTREAM_SERVERS.replace(/\bweb-(\d+):3000/g, "127.0.0.1:300$1"),
      // /dev/stdout is a pipe or socket under the test runner; nginx -t opens logs.
      SHOP_ACCESS_LOG: join(dir, "logs", "access.log"),
    });
    writeFileSync(join(dir, "shop.conf"), local);
    const temp = join(dir, "temp");
    writeFileSync(
      join(dir, "nginx.conf"),
      [
        `pid ${join(dir, "nginx.pid")};`,
        `error_log ${join(dir, "logs", "error.log")};`,
        "events {}",
        "http {",
        `  client_body_temp_path ${temp}/body; proxy_temp_path ${temp}/proxy; fastcgi_temp_path ${temp}/fastcgi;`,
        `  uwsgi_temp_path ${temp}/uwsgi; scgi_temp_path ${temp}/scgi;`,
        `  include ${join(dir, "shop.conf")};`,
        "}",
        "",
      ].join("\n"),
    );
    const result = spawnSync(nginxBinary, ["-t", "-p", dir, "-e", join(dir, "logs", "error.log"), "-c", join(dir, "nginx.conf")], {
      encoding: "utf8",
      cwd: repoRoot,
    });
    expect(result.stderr).toMatch(/test is successful/);
    expect(result.status).toBe(0);
  });
});
