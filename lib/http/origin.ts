// The one cross-site check for route handlers that change state (POST/PUT/PATCH/DELETE). Server
// actions get Next's own origin check; route handlers do not, and a SameSite=Lax cookie still
// rides along on a top-level cross-site form POST in some browsers, so each such handler calls
// refuseCrossSite() first. next-auth (/api/auth) and Inngest (/api/inngest, signed) guard theirs.

const PLAIN = { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" };

/** The hosts this request may come from: what the browser addressed (behind a proxy, its forwarded host). */
function ownHosts(request: Request): Set<string> {
  const hosts = new Set<string>();
  const forwarded = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  if (forwarded) hosts.add(forwarded.toLowerCase());
  const host = request.headers.get("host")?.trim();
  if (host) hosts.add(host.toLowerCase());
  try {
    hosts.add(new URL(request.url).host.toLowerCase());
  } catch {
    // A relative URL (never from Next) adds nothing.
  }
  return hosts;
}

/** Why the request counts as cross-site, or null when it comes from the portal's own pages (or no browser). */
export function crossSiteReason(request: Request): string | null {
  // Browsers send it on every request; only same-origin (and "none": typed URL, bookmark) are ours.
  const site = request.headers.get("sec-fetch-site")?.toLowerCase();
  if (site === "cross-site" || site === "same-site") return `Sec-Fetch-Site: ${site}`;
  const origin = request.headers.get("origin");
  // No Origin: not a browser form or fetch (curl, the CLI); the session check still applies.
  if (origin === null) return null;
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return `Origin: ${origin}`; // "null" (sandboxed frame, file://) or garbage
  }
  return host && ownHosts(request).has(host) ? null : `Origin: ${origin}`;
}

/** 403 with a plain message when the request comes from another site; null to carry on. */
export function refuseCrossSite(request: Request): Response | null {
  if (crossSiteReason(request) === null) return null;
  return new Response("Refused: this request came from another site. Use the portal's own pages.", { status: 403, headers: PLAIN });
}
