import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, HSTS, newNonce, securityHeaders, servedOverHttps } from "@/lib/http/security-headers";

// The headers proxy.ts puts on every response: a nonce-based CSP that forbids framing, nosniff,
// a same-origin referrer, and HSTS only when the browser came over HTTPS.

const directives = (policy: string) => new Map(policy.split("; ").map((d) => [d.split(" ")[0]!, d.split(" ").slice(1)]));

describe("security headers", () => {
  it("a production page: scripts only with this request's nonce, never framed, never sniffed", () => {
    const headers = securityHeaders({ nonce: "bm9uY2U=", development: false, https: false });
    const csp = directives(headers["Content-Security-Policy"]);
    expect(csp.get("script-src")).toEqual(["'self'", "'nonce-bm9uY2U='", "'strict-dynamic'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'self'"]);
    expect(csp.get("form-action")).toEqual(["'self'"]);
    expect(csp.get("default-src")).toEqual(["'self'"]);
    expect(csp.has("upgrade-insecure-requests")).toBe(false);
    expect(headers["Content-Security-Policy"]).not.toContain("unsafe-eval");
    expect(headers).toMatchObject({ "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin" });
    expect(headers["Strict-Transport-Security"]).toBeUndefined();
  });

  it("next dev may eval (React's dev tools) and open its hot-reload socket; production may not", () => {
    const dev = directives(contentSecurityPolicy({ nonce: "n", development: true, https: false }));
    expect(dev.get("script-src")).toContain("'unsafe-eval'");
    expect(dev.get("connect-src")).toEqual(["'self'", "ws:", "wss:"]);
    expect(directives(contentSecurityPolicy({ nonce: "n", development: false, https: false })).get("connect-src")).toEqual(["'self'"]);
  });

  it("over HTTPS: HSTS and upgrade-insecure-requests", () => {
    const headers = securityHeaders({ nonce: "n", development: false, https: true });
    expect(headers["Strict-Transport-Security"]).toBe(HSTS);
    expect(directives(headers["Content-Security-Policy"]).has("upgrade-insecure-requests")).toBe(true);
  });

  it("HTTPS is the request's scheme or the first X-Forwarded-Proto of the TLS proxy", () => {
    expect(servedOverHttps(new URL("https://portal.example/login"), new Headers())).toBe(true);
    expect(servedOverHttps(new URL("http://10.0.0.5:3000/login"), new Headers({ "x-forwarded-proto": "https" }))).toBe(true);
    expect(servedOverHttps(new URL("http://10.0.0.5:3000/login"), new Headers({ "x-forwarded-proto": "HTTPS, http" }))).toBe(true);
    expect(servedOverHttps(new URL("http://10.0.0.5:3000/login"), new Headers({ "x-forwarded-proto": "http" }))).toBe(false);
    expect(servedOverHttps(new URL("http://127.0.0.1:3000/login"), new Headers())).toBe(false);
  });

  it("a fresh, unguessable nonce per request", () => {
    const nonces = new Set(Array.from({ length: 100 }, () => newNonce()));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});
