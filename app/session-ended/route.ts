import { signOut } from "@/lib/auth/auth";
import { safeReturnPath } from "@/lib/auth/navigation";
import { getPasswordChangeUser, getSessionUser } from "@/lib/auth/session";

// Pages send a session token the portal no longer accepts (user deactivated or removed, session
// revoked, reset or past its lifetime) here: pages cannot write cookies, this route can. It clears
// the cookie only when the session is already refused, so a link or image on another site that
// points here cannot sign anyone out; a session that is still good goes back where it was going.
// Locations are relative, so the browser stays on the host it asked for (Next builds a route's
// request URL from its own hostname, "localhost", not from the request).

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, "Cache-Control": "no-store" } });
}

export async function GET(request: Request) {
  const callbackUrl = safeReturnPath(new URL(request.url).searchParams.get("callbackUrl"));
  if ((await getSessionUser()) || (await getPasswordChangeUser())) return seeOther(callbackUrl);
  await signOut({ redirect: false });
  const login = new URLSearchParams({ callbackUrl, ended: "1" });
  return seeOther(`/login?${login.toString()}`);
}
