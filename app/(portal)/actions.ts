"use server";

import { signOut } from "@/lib/auth/auth";
import { revokeCurrentSession } from "@/lib/auth/sign-out";

/** Ends the session (server-side too) and returns to the sign-in page. */
export async function signOutAction(): Promise<void> {
  await revokeCurrentSession();
  await signOut({ redirectTo: "/login" });
}
