import { NextResponse } from "next/server";
import { getReadDb } from "@/db/client";
import { getSessionUser } from "@/lib/auth/session";
import { globalSearch, parseSearchQuery, searchKindsFor } from "@/lib/search/global-search";

// The header's search box asks here as the user types (lib/search). Session and permission are
// checked here (the proxy only redirects anonymous page visits); the answer lists only the kinds of
// records the user's role may open, a few of each.

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" };
const DROPDOWN_HITS = 5;

export async function GET(request: Request) {
  const user = await getSessionUser();
  if (!user) return NextResponse.json({ error: "Sign in first." }, { status: 401, headers: NO_STORE });
  if (searchKindsFor(user).length === 0)
    return NextResponse.json({ error: "Your role does not allow this." }, { status: 403, headers: NO_STORE });
  const raw = new URL(request.url).searchParams.get("q") ?? "";
  const parsed = parseSearchQuery(raw);
  if (!parsed.ok) return NextResponse.json({ error: parsed.error }, { status: 400, headers: NO_STORE });
  const result = await globalSearch(await getReadDb(), user, parsed.query, { limit: DROPDOWN_HITS });
  return NextResponse.json(result, { headers: NO_STORE });
}
