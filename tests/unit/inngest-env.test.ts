import { afterEach, describe, expect, it, vi } from "vitest";
import { EnvError } from "@/lib/env";
import { checkInngestEnvOrExit } from "@/lib/jobs/startup";
import { inngestConfigured, inngestMode } from "@/lib/jobs/settings";

// The Inngest variables: which combinations the portal starts with, and what it says about the
// others (lib/jobs/settings.ts, checked at server start by instrumentation.ts).

const EVENT = { INNGEST_EVENT_KEY: "evt-key" };
const SIGNING = { INNGEST_SIGNING_KEY: "signkey-prod-abc" };
const BASE = { INNGEST_BASE_URL: "http://inngest:8288" };

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("valid combinations", () => {
  it.each([
    ["nothing set: in this process", {}, { kind: "in-process" }],
    ["INNGEST_DEV=0 alone: in this process", { INNGEST_DEV: "0" }, { kind: "in-process" }],
    ["both keys: Inngest Cloud", { ...EVENT, ...SIGNING }, { kind: "cloud" }],
    ["both keys and a base URL: self-hosted", { ...EVENT, ...SIGNING, ...BASE }, { kind: "self-hosted", baseUrl: "http://inngest:8288" }],
    ["a base URL with INNGEST_DEV=1: dev server", { ...BASE, INNGEST_DEV: "1" }, { kind: "dev", baseUrl: "http://inngest:8288" }],
    [
      "a base URL with INNGEST_DEV=true and keys: dev server",
      { ...BASE, ...EVENT, ...SIGNING, INNGEST_DEV: "true" },
      { kind: "dev", baseUrl: "http://inngest:8288" },
    ],
    [
      "INNGEST_DEV set to the dev server's URL",
      { INNGEST_DEV: "http://127.0.0.1:8288" },
      { kind: "dev", baseUrl: "http://127.0.0.1:8288" },
    ],
    ["blank values count as unset", { INNGEST_EVENT_KEY: "", INNGEST_BASE_URL: "", INNGEST_DEV: " " }, { kind: "in-process" }],
  ])("%s", (_name, env, mode) => {
    expect(inngestMode(env)).toEqual(mode);
    expect(inngestConfigured(env)).toBe(mode.kind !== "in-process");
  });
});

describe("refused combinations name what is missing", () => {
  it.each([
    [
      "only INNGEST_BASE_URL",
      BASE,
      "INNGEST_EVENT_KEY",
      "Inngest is half configured: INNGEST_BASE_URL is set but INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY are missing. A self-hosted Inngest server needs INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY (or INNGEST_DEV=1 if INNGEST_BASE_URL is an Inngest dev server); unset every INNGEST_ variable to run background jobs in this process.",
    ],
    [
      "only the event key",
      EVENT,
      "INNGEST_SIGNING_KEY",
      "Inngest is half configured: INNGEST_EVENT_KEY is set but INNGEST_SIGNING_KEY is missing. Inngest Cloud needs INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY; unset every INNGEST_ variable to run background jobs in this process.",
    ],
    [
      "only the signing key",
      SIGNING,
      "INNGEST_EVENT_KEY",
      "Inngest is half configured: INNGEST_SIGNING_KEY is set but INNGEST_EVENT_KEY is missing. Inngest Cloud needs INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY; unset every INNGEST_ variable to run background jobs in this process.",
    ],
    [
      "a base URL with the event key only",
      { ...BASE, ...EVENT },
      "INNGEST_SIGNING_KEY",
      "Inngest is half configured: INNGEST_EVENT_KEY and INNGEST_BASE_URL are set but INNGEST_SIGNING_KEY is missing. A self-hosted Inngest server needs INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY (or INNGEST_DEV=1 if INNGEST_BASE_URL is an Inngest dev server); unset every INNGEST_ variable to run background jobs in this process.",
    ],
    [
      "INNGEST_DEV=1 without a URL",
      { INNGEST_DEV: "1" },
      "INNGEST_BASE_URL",
      "INNGEST_DEV=1 is set but INNGEST_BASE_URL is missing: set INNGEST_BASE_URL to the dev server's URL (such as http://127.0.0.1:8288), or unset INNGEST_DEV to run background jobs in this process.",
    ],
    [
      "INNGEST_DEV=1 with Cloud keys but no URL",
      { INNGEST_DEV: "1", ...EVENT, ...SIGNING },
      "INNGEST_BASE_URL",
      "INNGEST_DEV=1 is set but INNGEST_BASE_URL is missing",
    ],
    [
      "INNGEST_DEV set to a word the SDK would take for a host name",
      { ...BASE, INNGEST_DEV: "yes" },
      "INNGEST_DEV",
      `INNGEST_DEV must be 1 or true (a dev server), 0 or false, or the dev server's URL such as http://127.0.0.1:8288 (got "yes").`,
    ],
    [
      "a base URL that is not a URL",
      { INNGEST_BASE_URL: "inngest:8288", INNGEST_DEV: "1" },
      "INNGEST_BASE_URL",
      `INNGEST_BASE_URL must be the Inngest server's URL, such as http://inngest:8288 (got "inngest:8288").`,
    ],
  ])("%s", (_name, env, variable, message) => {
    let thrown: unknown;
    try {
      inngestMode(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EnvError);
    expect((thrown as EnvError).variable).toBe(variable);
    expect((thrown as EnvError).message).toContain(message);
    // Never a silent fallback to "in-process" or "Inngest": every question about it refuses too.
    expect(() => inngestConfigured(env)).toThrow(EnvError);
  });
});

describe("at server start", () => {
  it("stops the process with the refusal for a half-configured Inngest", () => {
    vi.stubEnv("INNGEST_EVENT_KEY", "");
    vi.stubEnv("INNGEST_SIGNING_KEY", "");
    vi.stubEnv("INNGEST_DEV", "");
    vi.stubEnv("INNGEST_BASE_URL", "http://inngest:8288");
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const exit = vi.fn((code: number): never => {
      throw new Error(`exit ${code}`);
    });
    expect(() => checkInngestEnvOrExit(exit)).toThrow("exit 1");
    expect(error).toHaveBeenCalledWith(
      expect.stringContaining("INNGEST_BASE_URL is set but INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY are missing"),
    );
  });

  it("starts quietly with nothing set", () => {
    for (const name of ["INNGEST_EVENT_KEY", "INNGEST_SIGNING_KEY", "INNGEST_DEV", "INNGEST_BASE_URL"]) vi.stubEnv(name, "");
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const exit = vi.fn((): never => {
      throw new Error("exit");
    });
    checkInngestEnvOrExit(exit);
    expect(exit).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });
});

describe("the /api/inngest endpoint", () => {
  function captureLogs() {
    const lines: string[] = [];
    for (const level of ["error", "warn", "info", "log", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    }
    return lines;
  }

  it("without Inngest answers 404 and never logs the SDK's cloud-mode complaint", async () => {
    for (const name of ["INNGEST_EVENT_KEY", "INNGEST_SIGNING_KEY", "INNGEST_DEV", "INNGEST_BASE_URL"]) vi.stubEnv(name, "");
    const lines = captureLogs();
    const route = await import("@/app/api/inngest/route");
    for (const method of ["GET", "PUT", "POST"] as const) {
      const response = await route[method](new Request("http://localhost/api/inngest", { method }) as never, undefined as never);
      expect(response.status).toBe(404);
    }
    expect(lines.filter((line) => /cloud mode|signing key/i.test(line))).toEqual([]);
  });

  it("with a dev server hands the request to the SDK, still without the complaint", async () => {
    for (const name of ["INNGEST_EVENT_KEY", "INNGEST_SIGNING_KEY"]) vi.stubEnv(name, "");
    vi.stubEnv("INNGEST_BASE_URL", "http://127.0.0.1:9");
    vi.stubEnv("INNGEST_DEV", "1");
    const lines = captureLogs();
    const route = await import("@/app/api/inngest/route");
    const response = await route.GET(new Request("http://localhost/api/inngest") as never, undefined as never);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ mode: "dev", function_count: expect.any(Number) });
    expect(lines.filter((line) => /cloud mode/i.test(line))).toEqual([]);
  });

  it("in cloud mode without a signing key the SDK would complain: the startup check refuses that first", () => {
    expect(() => inngestMode({ ...EVENT })).toThrow("INNGEST_SIGNING_KEY is missing");
  });
});
