// The shop's outage page (public/outage.html, the same file nginx serves when
// no web node is left) as a 503 response with Retry-After, for page views
// while the database cluster is unavailable (lost quorum, every node down).
import "server-only";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const OUTAGE_RETRY_AFTER_SECONDS = 5;

let html: string | null = null;

function outageHtml(): string {
  if (html === null) {
    try {
      html = readFileSync(join(process.cwd(), "public", "outage.html"), "utf8");
    } catch {
      html =
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>Back in a moment · Kettle &amp; Crema</title>' +
        "<h1>We&rsquo;ll be back in a moment</h1><p>The shop can&rsquo;t reach its database right now. Your cart is kept.</p></html>";
    }
  }
  return html;
}

export function outageResponse(method: string): Response {
  return new Response(method === "HEAD" ? null : outageHtml(), {
    status: 503,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "retry-after": String(OUTAGE_RETRY_AFTER_SECONDS),
    },
  });
}
