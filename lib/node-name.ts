// The name of the web node serving this request (X-Served-By, the footer).
import { loggingEnv } from "@/lib/env";

export function nodeName(): string {
  return loggingEnv().NODE_NAME;
}
