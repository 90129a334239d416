import { connection } from "next/server";
import { db } from "@/lib/db";
import { json } from "@/lib/http";
import { nodeName } from "@/lib/node-name";

export async function GET() {
  await connection();
  const ok = await db().ping();
  return json({ node: nodeName(), db: ok ? "ok" : "down" }, { status: ok ? 200 : 503 });
}
