import { connection } from "next/server";
import { listProducts } from "@/lib/catalog/queries";
import { json, route } from "@/lib/http";

export const GET = route(async () => {
  await connection();
  return json(await listProducts());
});
