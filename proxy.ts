import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { readEnv } from "@/lib/env";
import { newNonce, securityHeaders, servedOverHttps, withHeaders } from "@/lib/http/security-headers";

// The first gate only: anonymous visitors go to /login (and come back after signing in).
// Every page, action and query checks the session and permission again itself.
// It only reads the session cookie and never writes one: a late response (a link prefetch,
// say) must not bring back a cookie that signing out has just deleted.

// /api/health answers load balancers and monitors, which have no session (it reveals no data).
const PUBLIC_PATHS = ["/login", "/session-ended", "/api/auth", "/api/inngest", "/api/health"];

function isPublic(pathname: string): boolean {
  return PUBLIC_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

async function hasSession(request: NextRequest): Promise<boolean> {
  const secret = readEnv("AUTH_SECRET");
  if (!secret) return false;
  // Auth.js names the cookie __Secure-… over https; accept whichever this deployment uses.
  for (const secureCookie of [true, false]) {
    const token = await getToken({ req: request, secret, secureCookie });
    if (token?.sub) return true;
  }
  return false;
}

export default async function proxy(request: NextRequest) {
  // One nonce per request: in the request's policy (Next puts it on its own inline scripts) and
  // the response's (lib/http/security-headers.ts).
  const security = securityHeaders({
    nonce: newNonce(),
    development: readEnv("NODE_ENV") === "development",
    https: servedOverHttps(request.nextUrl, request.headers),
  });
  const { pathname, search } = request.nextUrl;
  if (!isPublic(pathname) && !(await hasSession(request))) {
    const login = new URL("/login", request.nextUrl.origin);
    if (pathname !== "/") login.searchParams.set("callbackUrl", `${pathname}${search}`);
    return withHeaders(NextResponse.redirect(login), security);
  }
  // Pages learn their own path from this header (to send a stale session back here after sign-in).
  const headers = new Headers(request.headers);
  headers.set("x-portal-path", `${pathname}${search}`);
  headers.set("Content-Security-Policy", security["Content-Security-Policy"]);
  return withHeaders(NextResponse.next({ request: { headers } }), security);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|favicon.svg|.*\\.(?:png|svg|ico|txt)$).*)"],
};
