import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi, type Mock } from "vitest";
import { POST as exportPost } from "@/app/(portal)/export/[grid]/route";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { crossSiteReason, refuseCrossSite } from "@/lib/http/origin";

// State-changing route handlers refuse requests from other sites with a plain 403, through one
// helper (lib/http/origin.ts); every such handler in app/ is found by reading the files, so a
// new one without the check fails here.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(async () => null),
}));

const sessionUserMock = getSessionUser as unknown as Mock<() => Promise<SessionUser | null>>;
const PORTAL = "http://portal.test:3000";

function post(pathname: string, headers: Record<string, string>): Request {
  return new Request(`${PORTAL}${pathname}`, {
    method: "POST",
    headers: { host: "portal.test:3000", "content-type": "application/x-www-form-urlencoded", ...headers },
    body: "ids=1",
  });
}

const admin: SessionUser = { id: 1, email: "admin@origin.test", name: "Admin", role: "admin", permissions: [] };
const exportContext = { params: Promise.resolve({ grid: "orders" }) };

describe("refuseCrossSite", () => {
  it.each([
    ["a foreign Origin", { origin: "https://evil.example" }],
    ["the right host on another port", { origin: "http://portal.test:4000" }],
    ["an opaque Origin (sandboxed frame)", { origin: "null" }],
    ["Sec-Fetch-Site: cross-site, even with the portal's Origin", { origin: PORTAL, "sec-fetch-site": "cross-site" }],
    ["Sec-Fetch-Site: same-site (a sibling subdomain)", { "sec-fetch-site": "same-site" }],
  ])("refuses %s with 403 and a plain message", async (_name, headers) => {
    const response = refuseCrossSite(post("/x", headers));
    expect(response?.status).toBe(403);
    expect(response?.headers.get("content-type")).toContain("text/plain");
    expect(await response?.text()).toBe("Refused: this request came from another site. Use the portal's own pages.");
  });

  it.each([
    ["the portal's own Origin", { origin: PORTAL, "sec-fetch-site": "same-origin" }],
    ["no Origin at all (curl, the CLI)", {}],
    ["the public host a proxy forwards", { origin: "https://sales.example.com", "x-forwarded-host": "sales.example.com" }],
  ])("lets through %s", (_name, headers) => {
    expect(crossSiteReason(post("/x", headers))).toBeNull();
  });
});

describe("CSV export POST", () => {
  it("refuses a foreign Origin before anything else, even for a signed-in admin", async () => {
    sessionUserMock.mockResolvedValue(admin);
    const response = await exportPost(post("/export/orders", { origin: "https://evil.example" }), exportContext);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("came from another site");
    expect(sessionUserMock).not.toHaveBeenCalled();
  });

  it("goes on to the session check for the portal's own pages", async () => {
    sessionUserMock.mockResolvedValue(null);
    const response = await exportPost(post("/export/orders", { origin: PORTAL, "sec-fetch-site": "same-origin" }), exportContext);
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("Sign in to export.");
  });
});

describe("every state-changing route handler", () => {
  const appDir = path.join(process.cwd(), "app");
  const routes = (function walk(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return walk(full);
      return /^route\.(ts|tsx)$/.test(entry.name) ? [full] : [];
    });
  })(appDir);
  // next-auth checks its own CSRF token; Inngest requests are signed.
  const guardedElsewhere = (file: string) => /app[/\\]api[/\\](auth|inngest)[/\\]/.test(file);
  const mutating = routes.filter(
    (file) =>
      !guardedElsewhere(file) && /export\s+(async\s+)?(function|const)\s+(POST|PUT|PATCH|DELETE)\b/.test(readFileSync(file, "utf8")),
  );

  it("includes the CSV export", () => {
    expect(mutating.map((f) => path.relative(appDir, f))).toContain(path.join("(portal)", "export", "[grid]", "route.ts"));
  });

  it.each(mutating.map((f) => [path.relative(appDir, f), f]))("%s calls refuseCrossSite", (_name, file) => {
    expect(readFileSync(file, "utf8")).toMatch(/refuseCrossSite\(request\)/);
  });
});
