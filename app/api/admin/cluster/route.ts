import { connection } from "next/server";
import { getClusterView } from "@/lib/admin/cluster";
import { requireAdmin } from "@/lib/admin/sessions";
import { json, route } from "@/lib/http";

/** The cluster panel's data, polled by the admin page. Admins only. */
export const GET = route(async () => {
  await connection();
  await requireAdmin();
  return json(await getClusterView());
});
