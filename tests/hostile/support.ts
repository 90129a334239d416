// Helpers for the hostile-input suite: the shop's real server-action ids read
// from a product page, raw requests from a chosen loopback source address (so a
// test can be "another client" through nginx), and a case table runner that
// counts statuses.
import { request as httpRequest } from "node:http";
import type { Visitor } from "../support/http-client";

export interface ActionForm {
  pagePath: string;
  actionId: string;
  /** The no-JS form's hidden fields ($ACTION_REF_1, $ACTION_1:0, $ACTION_1:1, $ACTION_KEY). */
  hidden: [string, string][];
  productId: number;
}

const decode = (value: string) => value.replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/&#x27;/g, "'");

/** The add-to-cart action of a product page, as a browser would see it. */
export async function readAddToCartForm(visitor: Visitor): Promise<ActionForm> {
  const home = await (await visitor.request("/", { headers: { accept: "text/html" } })).text();
  const pagePath = /href="(\/products\/[^"]+)"/.exec(home)![1];
  const html = await (await visitor.request(pagePath, { headers: { accept: "text/html" } })).text();
  const hidden: [string, string][] = [];
  for (const match of html.matchAll(/<input type="hidden" name="(\$ACTION_[^"]*)"(?: value="([^"]*)")?/g)) {
    hidden.push([match[1], decode(match[2] ?? "")]);
  }
  const bound = hidden.find(([name]) => /^\$ACTION_\d+:0$/.test(name));
  if (!bound) throw new Error(`no server action form on ${pagePath}`);
  const actionId = (JSON.parse(bound[1]) as { id: string }).id;
  const productId = Number(/name="productId" value="(\d+)"/.exec(html)![1]);
  return { pagePath, actionId, hidden, productId };
}

/** A raw HTTP request from a given source address on loopback (127.0.0.0/8). */
export function requestFrom(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: init.method ?? "GET", headers: init.headers, localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

/** A source address nobody else uses in this run: 127.<pid-derived>.<random>.<random>. */
export function uniqueLoopbackAddress(): string {
  const byte = () => 1 + Math.floor(Math.random() * 250);
  return `127.${(process.pid % 200) + 20}.${byte()}.${byte()}`;
}

export interface CaseOutcome {
  name: string;
  expected: number[];
  status: number;
}

/** Tally of every case run, printed by the suite at the end. */
export class Tally {
  readonly outcomes: CaseOutcome[] = [];

  record(name: string, expected: number[], status: number): void {
    this.outcomes.push({ name, expected, status });
  }

  get unexpected(): CaseOutcome[] {
    return this.outcomes.filter((o) => !o.expected.includes(o.status));
  }

  get serverErrors(): CaseOutcome[] {
    return this.outcomes.filter((o) => o.status >= 500);
  }

  summary(label: string): string {
    const lines = [`${label}: ${this.outcomes.length} cases, ${this.unexpected.length} unexpected statuses, ${this.serverErrors.length} with 5xx`];
    for (const o of this.unexpected) lines.push(`  unexpected: ${o.name}: got ${o.status}, expected ${o.expected.join("|")}`);
    return lines.join("\n");
  }
}
