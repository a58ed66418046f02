import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import proxy from "@/proxy";

// proxy.ts sends the security headers on every answer it gives (a page, the redirect to sign in),
// and hands Next the same policy (with its nonce) for the page's own scripts.

describe("proxy security headers", () => {
  it("the sign-in page: CSP with a nonce and frame-ancestors 'none', and the other headers", async () => {
    const response = await proxy(new NextRequest("http://127.0.0.1:3000/login"));
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("frame-ancestors 'none'");
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
    expect(response.headers.get("strict-transport-security")).toBeNull();
    // Next renders the page with the request's copy of the policy: the same nonce.
    expect(response.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
  });

  it("a fresh nonce on every request", async () => {
    const nonces = await Promise.all(
      [1, 2, 3].map(
        async () =>
          /'nonce-([^']+)'/.exec(
            (await proxy(new NextRequest("http://127.0.0.1:3000/login"))).headers.get("content-security-policy")!,
          )?.[1],
      ),
    );
    expect(new Set(nonces).size).toBe(3);
  });

  it("the redirect of an anonymous visitor carries them too, and HSTS behind an HTTPS proxy", async () => {
    const response = await proxy(new NextRequest("http://10.0.0.5:3000/sales/orders", { headers: { "x-forwarded-proto": "https" } }));
    expect(response.status).toBe(307);
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("strict-transport-security")).toBe("max-age=31536000");
  });
});
