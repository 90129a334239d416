// Shared set-up for the connection layer's tests: the cluster's real databases.
import { inject } from "vitest";

export function databaseUrls(): string[] {
  return inject("databaseUrls");
}
