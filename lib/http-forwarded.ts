// Whether a request reached the shop over HTTPS, as told by a trusted proxy
// (nginx sets X-Forwarded-Proto). Only with TRUST_PROXY: otherwise anyone
// could claim HTTPS in a header. The first value of a comma-separated list is
// the one the outermost proxy saw.
import { env } from "@/lib/env";

export function isForwardedHttps(headers: Headers): boolean {
  return env().TRUST_PROXY && headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}
