import { isIP } from "node:net";
import { readEnv } from "@/lib/env";

// Which address a request came from, for the sign-in throttle and the audit log. Only addresses
// someone we trust wrote count: the socket's peer (exposed by lib/auth/peer-address.ts, installed
// by instrumentation.ts), or, behind proxies, the entry of X-Forwarded-For the outermost one of
// them appended. Anything a client writes itself (X-Forwarded-For entries further left, X-Real-IP)
// is ignored, so rotating it neither escapes the per-address limit nor fakes the audit log.

/** Set by the portal's own server on every request, from the socket; a client's copy is overwritten. */
export const PEER_ADDRESS_HEADER = "x-portal-peer-address";

/** How many reverse proxies in front of the portal append to X-Forwarded-For (TRUSTED_PROXY_HOPS, default 0; a bad value warns and counts as 0). */
export function trustedProxyHops(): number {
  return readEnv("TRUSTED_PROXY_HOPS");
}

/** An address as we store it, or null when the text is not one ("::ffff:1.2.3.4" reads as 1.2.3.4; a port is dropped). */
function normalize(value: string | null | undefined): string | null {
  let text = value?.trim() ?? "";
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  if (/^::ffff:[\d.]+$/i.test(text)) text = text.slice(7);
  return isIP(text) ? text.toLowerCase() : null;
}

/**
 * The client's address. With 0 hops, the socket's peer. With N hops, the N-th X-Forwarded-For
 * entry from the right: the right-most N were appended by our proxies, the N-th by the one the
 * client connected to. A shorter list (a proxy that appended nothing) falls back to its left-most entry.
 */
export function clientIp(headers: Headers, hops = trustedProxyHops()): string {
  const peerHeader = headers.get(PEER_ADDRESS_HEADER);
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (hops === 0) {
    // No peer header: the hook is not installed (tests, or a request accepted while the server was
    // still starting). Next then fills X-Forwarded-For with the socket's address when the client
    // sent none; its right-most entry is the closest we have.
    if (peerHeader !== null) return normalize(peerHeader) ?? "unknown";
    return normalize(forwarded.at(-1)) ?? "unknown";
  }
  if (forwarded.length === 0) return normalize(peerHeader) ?? "unknown";
  return normalize(forwarded[Math.max(0, forwarded.length - hops)]) ?? "unknown";
}
