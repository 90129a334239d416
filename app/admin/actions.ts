"use server";

// Operators' actions: end one session, or sign a user out everywhere. The
// admin check lives in lib/admin/sessions.ts, inside each operation.
import { revalidatePath } from "next/cache";
import { unstable_rethrow } from "next/navigation";
import { endSessionByKey, endSessionsOfUser } from "@/lib/admin/sessions";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { sessionEndSchema, userSignOutSchema, type AdminActionState } from "./schemas";

async function run(work: () => Promise<string>): Promise<AdminActionState> {
  try {
    const message = await work();
    revalidatePath("/admin");
    return { ok: true, message };
  } catch (error) {
    unstable_rethrow(error);
    if (error instanceof AppError) return { ok: false, code: error.code, message: error.message };
    log().error({ err: error }, "admin action failed");
    return { ok: false, code: "unavailable", message: "That did not work; the database may be unavailable. Try again." };
  }
}

export async function endSessionAction(_previous: AdminActionState, formData: FormData): Promise<AdminActionState> {
  const parsed = sessionEndSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { ok: false, code: "invalid", message: "That session key is not valid." };
  return run(async () => ((await endSessionByKey(parsed.data.key)) ? "Session ended." : "That session had already ended."));
}

export async function signOutEverywhereAction(_previous: AdminActionState, formData: FormData): Promise<AdminActionState> {
  const parsed = userSignOutSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { ok: false, code: "invalid", message: "That user id is not valid." };
  return run(async () => {
    const ended = await endSessionsOfUser(parsed.data.userId);
    return `Signed out everywhere: ${ended} session${ended === 1 ? "" : "s"} ended.`;
  });
}
