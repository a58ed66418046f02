import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MissingSecretError, ensureSecrets } from "@/lib/secrets/keys";

// ensureSecrets(env): the demo generates AUTH_SECRET and ENCRYPTION_KEY once into
// <PORTAL_DATA_DIR>/secrets.json; production with a real database must be given both.

let dir: string;
let file: string;
const savedDataDir = process.env.PORTAL_DATA_DIR;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "secrets-test-"));
  file = path.join(dir, "secrets.json");
  process.env.PORTAL_DATA_DIR = dir;
});

afterEach(() => {
  if (savedDataDir === undefined) delete process.env.PORTAL_DATA_DIR;
  else process.env.PORTAL_DATA_DIR = savedDataDir;
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh env object (Next's types make NODE_ENV required; ensureSecrets does not need it). */
const envOf = (values: Record<string, string>) => ({ ...values }) as NodeJS.ProcessEnv;
const readStored = () => JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
const mode = () => statSync(file).mode & 0o777;

/** Runs ensureSecrets expecting a MissingSecretError and returns it. */
function missingSecretError(env: NodeJS.ProcessEnv): MissingSecretError {
  try {
    ensureSecrets(env);
  } catch (error) {
    expect(error).toBeInstanceOf(MissingSecretError);
    return error as MissingSecretError;
  }
  throw new Error("expected a MissingSecretError");
}

describe("ensureSecrets outside production", () => {
  it("generates both secrets once into secrets.json (mode 0600) and puts them in the env", () => {
    const env = envOf({});
    expect(ensureSecrets(env)).toEqual({ generated: true, file });

    expect(env.AUTH_SECRET).toBeTruthy();
    expect(env.ENCRYPTION_KEY).toBeTruthy();
    expect(env.AUTH_SECRET).not.toBe(env.ENCRYPTION_KEY);
    // 32 random bytes, base64.
    expect(Buffer.from(env.AUTH_SECRET!, "base64")).toHaveLength(32);
    expect(Buffer.from(env.ENCRYPTION_KEY!, "base64")).toHaveLength(32);

    expect(mode()).toBe(0o600);
    expect(readStored()).toEqual({ AUTH_SECRET: env.AUTH_SECRET, ENCRYPTION_KEY: env.ENCRYPTION_KEY });
  });

  it("returns the same values on a second call (a restart) without rewriting the file", () => {
    const first = envOf({});
    ensureSecrets(first);
    const before = readFileSync(file, "utf8");

    const second = envOf({});
    expect(ensureSecrets(second)).toEqual({ generated: false, file });
    expect(second.AUTH_SECRET).toBe(first.AUTH_SECRET);
    expect(second.ENCRYPTION_KEY).toBe(first.ENCRYPTION_KEY);
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(mode()).toBe(0o600);
  });

  it("lets values given in the env win, and does nothing when both are given", () => {
    const env = envOf({ AUTH_SECRET: "given-auth", ENCRYPTION_KEY: "given-key" });
    expect(ensureSecrets(env)).toEqual({ generated: false });
    expect(env).toEqual({ AUTH_SECRET: "given-auth", ENCRYPTION_KEY: "given-key" });
    expect(existsSync(file)).toBe(false);
  });

  it("generates only the missing one and never overrides a given one with a stored one", () => {
    ensureSecrets(envOf({}));
    const stored = readStored();

    const env = envOf({ AUTH_SECRET: "given-auth" });
    ensureSecrets(env);
    expect(env.AUTH_SECRET).toBe("given-auth");
    expect(env.ENCRYPTION_KEY).toBe(stored.ENCRYPTION_KEY);

    const fresh = mkdtempSync(path.join(tmpdir(), "secrets-test-"));
    try {
      process.env.PORTAL_DATA_DIR = fresh;
      const other = envOf({ ENCRYPTION_KEY: "given-key" });
      expect(ensureSecrets(other).generated).toBe(true);
      expect(other.ENCRYPTION_KEY).toBe("given-key");
      expect(other.AUTH_SECRET).toBeTruthy();
      const written = JSON.parse(readFileSync(path.join(fresh, "secrets.json"), "utf8")) as Record<string, string>;
      // Only the generated secret is stored; the given one is not copied to disk.
      expect(written).toEqual({ AUTH_SECRET: other.AUTH_SECRET });
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it("treats an empty value as missing", () => {
    const env = envOf({ AUTH_SECRET: "", ENCRYPTION_KEY: "given-key" });
    ensureSecrets(env);
    expect(env.AUTH_SECRET).toBeTruthy();
  });

  it("tightens a secrets file that was left readable by others when it adds to it", () => {
    writeFileSync(file, JSON.stringify({ AUTH_SECRET: "old-auth" }), { mode: 0o644 });
    const env = envOf({});
    expect(ensureSecrets(env).generated).toBe(true);
    expect(env.AUTH_SECRET).toBe("old-auth");
    expect(env.ENCRYPTION_KEY).toBeTruthy();
    expect(mode()).toBe(0o600);
    expect(readStored()).toEqual({ AUTH_SECRET: "old-auth", ENCRYPTION_KEY: env.ENCRYPTION_KEY });
  });

  it("generates in production without DATABASE_URL (the embedded demo) and with DATABASE_URL outside production", () => {
    const demo = envOf({ NODE_ENV: "production" });
    expect(ensureSecrets(demo).generated).toBe(true);
    const dev = envOf({ NODE_ENV: "development", DATABASE_URL: "postgres://db/portal" });
    ensureSecrets(dev);
    expect(dev.AUTH_SECRET).toBe(demo.AUTH_SECRET);
    expect(dev.ENCRYPTION_KEY).toBe(demo.ENCRYPTION_KEY);
  });
});

describe("ensureSecrets in production with DATABASE_URL", () => {
  const production = { NODE_ENV: "production", DATABASE_URL: "postgres://db/portal" } as const;

  it("names only ENCRYPTION_KEY when only it is missing, and writes nothing", () => {
    const env = envOf({ ...production, AUTH_SECRET: "given-auth" });
    const error = missingSecretError(env);
    expect(error.missing).toEqual(["ENCRYPTION_KEY"]);
    expect(error.message).toContain("ENCRYPTION_KEY is not set");
    expect(error.message).not.toContain("AUTH_SECRET");
    expect(env.ENCRYPTION_KEY).toBeUndefined();
    expect(existsSync(file)).toBe(false);
  });

  it("names only AUTH_SECRET when only it is missing", () => {
    const error = missingSecretError({ ...production, ENCRYPTION_KEY: "given-key" });
    expect(error.missing).toEqual(["AUTH_SECRET"]);
    expect(error.message).toContain("AUTH_SECRET is not set");
    expect(error.message).not.toContain("ENCRYPTION_KEY");
  });

  it("names both when both are missing", () => {
    const error = missingSecretError({ ...production });
    expect(error.missing).toEqual(["AUTH_SECRET", "ENCRYPTION_KEY"]);
    expect(error.message).toContain("AUTH_SECRET and ENCRYPTION_KEY are not set");
    expect(error.name).toBe("MissingSecretError");
    expect(existsSync(file)).toBe(false);
  });

  it("never falls back to a secrets file left on disk", () => {
    writeFileSync(file, JSON.stringify({ AUTH_SECRET: "a", ENCRYPTION_KEY: "b" }), { mode: 0o600 });
    expect(missingSecretError({ ...production }).missing).toEqual(["AUTH_SECRET", "ENCRYPTION_KEY"]);
  });

  it("starts when both are given", () => {
    expect(ensureSecrets({ ...production, AUTH_SECRET: "a", ENCRYPTION_KEY: "b" })).toEqual({ generated: false });
  });
});
