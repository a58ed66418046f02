import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ENV_NAMES, EnvError, readEnv } from "@/lib/env";

// lib/env.ts: every variable the portal reads, with the defaults and bad-value handling operators
// were promised in the README's table and docs/operations.md.

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("readEnv", () => {
  it("gives each variable its documented default when unset or blank", () => {
    for (const source of [{}, { QUERY_TIMEOUT_SECONDS: " ", SESSION_MAX_HOURS: "", TRUSTED_PROXY_HOPS: "" }]) {
      expect(readEnv("QUERY_TIMEOUT_SECONDS", source)).toBe(30);
      expect(readEnv("EXPORT_TIMEOUT_SECONDS", source)).toBe(300);
      expect(readEnv("EXPORT_MAX_CONNECTIONS", source)).toBe(2);
      expect(readEnv("LOGIN_IP_MAX_FAILURES", source)).toBe(20);
      expect(readEnv("TRUSTED_PROXY_HOPS", source)).toBe(0);
      expect(readEnv("SESSION_MAX_HOURS", source)).toBe(12);
      expect(readEnv("ONE_TIME_PASSWORD_HOURS", source)).toBe(24);
      expect(readEnv("MAGENTO_ALLOW_PRIVATE_URLS", source)).toBe(false);
      expect(readEnv("SYNC_SCHEDULER", source)).toBe(true);
      expect(readEnv("DATABASE_URL", source)).toBeUndefined();
    }
    // An empty secret or database URL is no value at all.
    expect(readEnv("AUTH_SECRET", { AUTH_SECRET: "" })).toBeUndefined();
    expect(readEnv("DATABASE_URL", { DATABASE_URL: "" })).toBeUndefined();
  });

  it("reads the value the process has now, not the one it had at the first call", () => {
    vi.stubEnv("SESSION_MAX_HOURS", "2");
    expect(readEnv("SESSION_MAX_HOURS")).toBe(2);
    vi.stubEnv("SESSION_MAX_HOURS", "0.5");
    expect(readEnv("SESSION_MAX_HOURS")).toBe(0.5);
    vi.stubEnv("SYNC_SCHEDULER", "off");
    expect(readEnv("SYNC_SCHEDULER")).toBe(false);
  });

  it("refuses a database limit it cannot run with, naming the variable and the value", () => {
    const read = () => readEnv("EXPORT_MAX_CONNECTIONS", { EXPORT_MAX_CONNECTIONS: " 51 " });
    expect(read).toThrow(EnvError);
    expect(read).toThrow('EXPORT_MAX_CONNECTIONS must be a whole number from 1 to 50 (got "51").');
  });

  it("falls back on a bad sign-in tunable rather than refusing to start", () => {
    expect(readEnv("LOGIN_IP_MAX_FAILURES", { LOGIN_IP_MAX_FAILURES: "2.5" })).toBe(20);
    expect(readEnv("SESSION_MAX_HOURS", { SESSION_MAX_HOURS: "forever" })).toBe(12);
    expect(readEnv("ONE_TIME_PASSWORD_HOURS", { ONE_TIME_PASSWORD_HOURS: String(24 * 31 + 1) })).toBe(24);
  });

  it("warns once about a bad TRUSTED_PROXY_HOPS, saying it uses the socket's address", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(readEnv("TRUSTED_PROXY_HOPS", { TRUSTED_PROXY_HOPS: " 11 " })).toBe(0);
    expect(readEnv("TRUSTED_PROXY_HOPS", { TRUSTED_PROXY_HOPS: "11" })).toBe(0);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith('TRUSTED_PROXY_HOPS must be a whole number from 0 to 10 (got "11"); using 0, the socket\'s address.');
  });
});

describe("the list of variables", () => {
  it("matches the README's configuration table, apart from what Node and Next.js set and the tests' push switch", () => {
    const readme = readFileSync(path.join(import.meta.dirname, "../../README.md"), "utf8");
    const documented = new Set([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
    const internal = new Set(["NODE_ENV", "NEXT_RUNTIME", "NEXT_PHASE", "TWO_WAY_PUSH_KICK"]);
    expect(ENV_NAMES.filter((name) => !internal.has(name) && !documented.has(name))).toEqual([]);
  });
});
