// The name of the web node serving this request (X-Served-By, the footer).
import { hostname } from "node:os";

export function nodeName(): string {
  return process.env.NODE_NAME || hostname();
}
