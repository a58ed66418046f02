import { NextResponse, type NextRequest } from "next/server";
import { signOut } from "@/lib/auth/auth";
import { safeReturnPath } from "@/lib/auth/navigation";

// Reached when a session token belongs to a user who was deactivated or removed:
// clears the cookie (pages cannot) and shows the sign-in page with a note.
export async function GET(request: NextRequest) {
  await signOut({ redirect: false });
  const login = new URL("/login", request.nextUrl.origin);
  login.searchParams.set("callbackUrl", safeReturnPath(request.nextUrl.searchParams.get("callbackUrl")));
  login.searchParams.set("ended", "1");
  return NextResponse.redirect(login);
}
