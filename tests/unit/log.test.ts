import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger, logRequestError, REDACTED, requestIdFrom, scrubText } from "@/lib/log";

// The server's JSON log: what an operator reads, and what must never be in it.

function capture(level?: string, env: Record<string, string | undefined> = {}) {
  const lines: string[] = [];
  const log = createLogger({ destination: { write: (line: string) => void lines.push(line) }, env, level });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, lines, records };
}

/** A logged record's fields, nested objects included, as parsed from its JSON line. */
type LogRecord = { [key: string]: LogRecord & string };

const SECRETS = {
  token: "tok_9f8e7d6c5b4a",
  password: "correct horse battery staple",
  consumerSecret: "cs_0a1b2c3d4e5f",
  accessTokenSecret: "ats_5e4d3c2b1a",
  dbPassword: "pg-Secr3t-pw",
  signingKey: "signkey-prod-4f3e2d1c0b",
  eventKey: "evk_ab12cd34",
};

describe("the log's secrets", () => {
  it("never writes a secret passed in a logged object, at any depth", () => {
    const { log, lines } = capture();
    log.warn(
      {
        channelId: 7,
        credentials: {
          type: "oauth1",
          consumerKey: "ck",
          consumerSecret: SECRETS.consumerSecret,
          accessTokenSecret: SECRETS.accessTokenSecret,
        },
        request: { headers: { Authorization: `Bearer ${SECRETS.token}`, accept: "application/json" } },
        user: { email: "a@b.test", password: SECRETS.password },
        inngest: { signingKey: SECRETS.signingKey, eventKey: SECRETS.eventKey },
        databaseUrl: `postgres://portal:${SECRETS.dbPassword}@db:5432/portal`,
        tokens: [SECRETS.token],
      },
      "channel check failed",
    );
    const output = lines.join("");
    for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);
    const record = JSON.parse(lines[0]!) as LogRecord;
    // What is not secret stays readable.
    expect(record.channelId).toBe(7);
    expect(record.msg).toBe("channel check failed");
    expect(record.request?.headers).toEqual({ Authorization: REDACTED, accept: "application/json" });
    expect(record.user).toEqual({ email: "a@b.test", password: REDACTED });
    expect(record.databaseUrl).toBe(`postgres://portal:${REDACTED}@db:5432/portal`);
  });

  it("never writes a secret inside a message, an error's message or its stack", () => {
    const { log, lines } = capture();
    const error = new Error(`connect ECONNREFUSED postgres://portal:${SECRETS.dbPassword}@10.0.0.5:5432/portal (Bearer ${SECRETS.token})`);
    log.error(error, "database unreachable");
    log.error({ err: error, runId: 3 }, "sync failed");
    log.info(`retrying with password=${SECRETS.password.split(" ")[0]} and ${SECRETS.signingKey}`);
    const output = lines.join("");
    expect(output).not.toContain(SECRETS.dbPassword);
    expect(output).not.toContain(SECRETS.token);
    expect(output).not.toContain(SECRETS.signingKey);
    expect(output).not.toContain("password=correct");
    const [first, second] = lines.map((line) => JSON.parse(line) as LogRecord);
    expect(first!.err?.message).toBe(`connect ECONNREFUSED postgres://portal:${REDACTED}@10.0.0.5:5432/portal (Bearer ${REDACTED})`);
    expect(first!.err?.stack).toContain("at ");
    expect(second!.runId).toBe(3);
  });

  it("redacts secrets a child logger was bound with", () => {
    const { log, lines } = capture();
    log.child({ channelId: 2, token: SECRETS.token }).info("bound");
    expect(lines.join("")).not.toContain(SECRETS.token);
    expect(JSON.parse(lines[0]!)).toMatchObject({ channelId: 2, token: REDACTED, msg: "bound" });
  });

  it("scrubs text on its own (connection URLs, bearer tokens, key=value pairs)", () => {
    expect(scrubText(`postgres://u:${SECRETS.dbPassword}@h/db?sslmode=require`)).toBe(`postgres://u:${REDACTED}@h/db?sslmode=require`);
    expect(scrubText("postgres://h/db")).toBe("postgres://h/db");
    expect(scrubText(`authorization: Bearer ${SECRETS.token}`)).toBe(`authorization: Bearer ${REDACTED}`);
    expect(scrubText(`?access_token=${SECRETS.token}&page=2`)).toBe(`?access_token=${REDACTED}&page=2`);
  });
});

describe("the log's levels and fields", () => {
  it("writes one JSON line per call with the level's name, time, message and the child's ids", () => {
    const { log, records } = capture();
    log.child({ requestId: "req-1" }).child({ runId: 12, channelId: 4 }).info("page written");
    expect(records()).toEqual([
      expect.objectContaining({ level: "info", msg: "page written", requestId: "req-1", runId: 12, channelId: 4, pid: process.pid }),
    ]);
    expect(records()[0]!.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it("filters below LOG_LEVEL (info by default; a bad value means info)", () => {
    for (const [env, written] of [
      [{}, ["info", "warn", "error"]],
      [{ LOG_LEVEL: "warn" }, ["warn", "error"]],
      [{ LOG_LEVEL: " DEBUG " }, ["debug", "info", "warn", "error"]],
      [{ LOG_LEVEL: "error" }, ["error"]],
      [{ LOG_LEVEL: "silent" }, []],
      [{ LOG_LEVEL: "loud" }, ["info", "warn", "error"]],
    ] as const) {
      const { log, records } = capture(undefined, env);
      log.trace("t");
      log.debug("d");
      log.info("i");
      log.warn("w");
      log.error("e");
      expect(
        records().map((r) => r.level),
        JSON.stringify(env),
      ).toEqual(written);
    }
  });
});

describe("requestIdFrom", () => {
  it("keeps a proxy's X-Request-Id and makes one up when it is missing or odd", () => {
    expect(requestIdFrom(new Headers({ "x-request-id": "abc-123" }))).toBe("abc-123");
    expect(requestIdFrom(new Headers())).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(new Headers({ "x-request-id": "<script>" }))).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("logRequestError", () => {
  it("writes the digest the error page shows, the route and the request id, without the query string", () => {
    const { log, records } = capture();
    const error = Object.assign(new Error('relation "x" does not exist'), { digest: "3141592653" });
    logRequestError(
      log,
      error,
      { path: `/customers?token=${SECRETS.token}`, method: "GET", headers: { "x-request-id": "req-42" } },
      { routePath: "/(portal)/customers", routeType: "render" },
    );
    const [record] = records() as LogRecord[];
    expect(record).toMatchObject({
      level: "error",
      msg: "request failed",
      digest: "3141592653",
      requestId: "req-42",
      method: "GET",
      path: "/customers",
      route: "/(portal)/customers",
      routeType: "render",
    });
    expect(record!.err?.message).toBe('relation "x" does not exist');
    expect(JSON.stringify(record)).not.toContain(SECRETS.token);
  });
});

describe("the portal's logger", () => {
  it("writes to standard error, leaving standard output to the CLI's text for people", () => {
    const script = 'import { logger } from "@/lib/log"; console.log("for people"); logger().warn({ channelId: 1 }, "for operators");';
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      encoding: "utf8",
      env: { ...process.env, LOG_LEVEL: "info" },
    });
    expect(child.stdout).toBe("for people\n");
    expect(JSON.parse(child.stderr.trim())).toMatchObject({ level: "warn", channelId: 1, msg: "for operators" });
  });
});
