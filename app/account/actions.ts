"use server";

// Sign out everywhere, for the signed-in user: every php_session row of theirs
// ends (this browser's included), so every node treats every device as signed out.
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/current-user";
import { log } from "@/lib/log";
import { endSessionsByUserId, rotateSession } from "@/lib/session";

export async function signOutEverywhereAction(): Promise<void> {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in?callbackUrl=/account");
  const ended = await endSessionsByUserId(user.id);
  // This browser starts over with a fresh anonymous session.
  await rotateSession({ userId: null, keepData: false });
  log().info({ event: "sign_out_everywhere", userId: user.id, ended }, "user signed out everywhere");
  redirect("/sign-in?signedOut=everywhere");
}
