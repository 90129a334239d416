// Session start for page navigations, called from proxy.ts. A visitor who
// arrives without a valid session cookie gets an id on the first page view
// (like PHP's session_start), so two tabs adding to the cart at the same
// moment share one session. No row is written until the first change, and no
// database round trip is made here: the id's MAC is checked in memory.
import "server-only";
import type { NextRequest, NextResponse } from "next/server";
import { sessionOnNavigation } from "./index";

export async function startSessionOnNavigation(request: NextRequest): Promise<((response: NextResponse) => void) | null> {
  return sessionOnNavigation(request);
}
