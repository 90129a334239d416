import { z } from "zod";

export const sessionEndSchema = z.object({ key: z.string().regex(/^[0-9a-f]{64}$/, "Not a session key.") });
export const userSignOutSchema = z.object({ userId: z.coerce.number().int().positive() });

export type AdminActionState = null | { ok: true; message: string } | { ok: false; code: string; message: string };
