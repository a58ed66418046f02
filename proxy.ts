import NextAuth from "next-auth";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { authConfig } from "@/lib/auth/config";

// The first gate only: anonymous visitors go to /login (and come back after signing in).
// Every page, action and query checks the session and permission again itself.
const { auth } = NextAuth(() => ({ ...authConfig, secret: process.env.AUTH_SECRET }));

const PUBLIC_PATHS = ["/login", "/session-ended", "/api/auth", "/api/inngest"];

function isPublic(pathname: string): boolean {
  return PUBLIC_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

const gate = auth((request) => {
  const { pathname, search } = request.nextUrl;
  if (!request.auth && !isPublic(pathname)) {
    const login = new URL("/login", request.nextUrl.origin);
    if (pathname !== "/") login.searchParams.set("callbackUrl", `${pathname}${search}`);
    return NextResponse.redirect(login);
  }
  // Pages learn their own path from this header (to send a stale session back here after sign-in).
  const headers = new Headers(request.headers);
  headers.set("x-portal-path", `${pathname}${search}`);
  return NextResponse.next({ request: { headers } });
});

// With a lazy config Auth.js hands back the wrapped handler asynchronously; Next needs a function.
export default async function proxy(request: NextRequest, event: NextFetchEvent) {
  const handler = await gate;
  return handler(request, event as never);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|.*\\.(?:png|svg|ico|txt)$).*)"],
};
