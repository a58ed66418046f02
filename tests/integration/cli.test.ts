import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquirePgliteLock, releasePgliteLock } from "@/db/pglite-lock";
import { auditLog, loginThrottle } from "@/db/schema";
import { verifyPassword } from "@/lib/auth/password";
import { accountKey } from "@/lib/auth/throttle";
import { findUserByEmail } from "@/lib/users/service";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// Runs the real `scripts/portal.ts` as a child process, the way `npm run portal --` does.

const ROOT = path.resolve(import.meta.dirname, "../..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const COMMAND_NAMES = ["user:create", "user:list", "user:set-role", "user:deactivate", "user:activate", "user:unlock"];

type Run = { code: number | null; stdout: string; stderr: string };

let testDb: TestDatabase;

/** The parent's environment without anything that would point the child at another database. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.PORTAL_DATA_DIR;
  return env;
}

/** Runs the CLI with stdin not a TTY (so it never prompts); defaults to the test database. */
function portal(args: string[], env: Record<string, string> = { DATABASE_URL: testDb.url }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ["scripts/portal.ts", ...args], {
      cwd: ROOT,
      env: { ...baseEnv(), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  // Unmigrated on purpose: the CLI must bring the schema up itself.
  testDb = await createTestDatabase({ migrate: false });
});

afterAll(async () => {
  await testDb?.drop();
});

describe("portal CLI (Postgres)", () => {
  it("creates a user with the given password", async () => {
    const run = await portal([
      "user:create",
      "--email",
      "Jane@Example.com",
      "--name",
      "Jane Doe",
      "--role",
      "manager",
      "--password",
      "correct-horse-1",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("Created manager jane@example.com (Jane Doe).");

    const user = await findUserByEmail(testDb.db, "jane@example.com");
    expect(user).toMatchObject({ name: "Jane Doe", role: "manager", active: true });
    expect(await verifyPassword(user!.passwordHash, "correct-horse-1")).toBe(true);

    const audit = await testDb.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "user.created"), eq(auditLog.entityId, String(user!.id))));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: "cli", userId: null });
  });

  it("generates a password when none is given off a terminal, prints it once, and it works", async () => {
    const run = await portal(["user:create", "--email", "sam@example.com", "--name", "Sam Agent", "--role", "agent"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Created agent sam@example.com (Sam Agent).");
    const match = /^Password: (\S+) {2}\(shown once; store it safely\)$/m.exec(run.stdout);
    expect(match).not.toBeNull();
    const password = match![1]!;
    expect(password.length).toBeGreaterThanOrEqual(10);
    expect(run.stdout.split(password)).toHaveLength(2); // shown exactly once

    const user = await findUserByEmail(testDb.db, "sam@example.com");
    expect(await verifyPassword(user!.passwordHash, password)).toBe(true);
    expect(run.stdout).not.toContain(user!.passwordHash);
    expect(run.stdout).not.toContain("$argon2");
  });

  it("refuses a duplicate email with exit 1 and says so", async () => {
    const run = await portal(["user:create", "--email", "jane@example.com", "--name", "Other Jane", "--role", "viewer"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("A user with the email jane@example.com already exists.");
    expect(run.stdout).toBe("");
    expect(run.stderr).not.toContain("$argon2");
    expect((await findUserByEmail(testDb.db, "jane@example.com"))!.name).toBe("Jane Doe");
  });

  it("lists the users in a table", async () => {
    const run = await portal(["user:list"]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^EMAIL\s+NAME\s+ROLE\s+STATUS\s+LAST SIGN-IN$/);
    expect(run.stdout).toMatch(/jane@example\.com\s+Jane Doe\s+manager\s+active\s+never/);
    expect(run.stdout).toMatch(/sam@example\.com\s+Sam Agent\s+agent\s+active\s+never/);
    expect(run.stdout).toContain("2 users, 2 active.");
    expect(run.stdout).not.toContain("$argon2");
  });

  it("changes a role", async () => {
    const run = await portal(["user:set-role", "--email", "sam@example.com", "--role", "admin"]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("Changed sam@example.com from agent to admin.");
    expect((await findUserByEmail(testDb.db, "sam@example.com"))!.role).toBe("admin");
  });

  it("never leaves the portal without an active admin", async () => {
    // Sam is the only admin so far: deactivating or demoting him is refused and changes nothing.
    const off = await portal(["user:deactivate", "--email", "sam@example.com"]);
    expect(off.code).toBe(1);
    expect(off.stderr.trim()).toBe("This is the last active admin: make someone else an admin first.");
    const demote = await portal(["user:set-role", "--email", "sam@example.com", "--role", "viewer"]);
    expect(demote.code).toBe(1);
    const sam = (await findUserByEmail(testDb.db, "sam@example.com"))!;
    expect({ role: sam.role, active: sam.active }).toEqual({ role: "admin", active: true });
    expect((await portal(["user:set-role", "--email", "jane@example.com", "--role", "admin"])).code).toBe(0);
  });

  it("deactivates and reactivates a user", async () => {
    const off = await portal(["user:deactivate", "--email", "sam@example.com"]);
    expect(off.code).toBe(0);
    expect(off.stdout).toContain("Deactivated sam@example.com");
    const deactivated = await findUserByEmail(testDb.db, "sam@example.com");
    expect(deactivated!.active).toBe(false);
    expect(deactivated!.deactivatedAt).not.toBeNull();

    const list = await portal(["user:list"]);
    expect(list.stdout).toMatch(/sam@example\.com\s+Sam Agent\s+admin\s+inactive/);

    const on = await portal(["user:activate", "--email", "sam@example.com"]);
    expect(on.code).toBe(0);
    expect(on.stdout).toContain("Reactivated sam@example.com");
    expect((await findUserByEmail(testDb.db, "sam@example.com"))!.active).toBe(true);
  });

  it("shows a locked-out user in user:list and unlocks them with user:unlock", async () => {
    const lockedUntil = new Date(Date.now() + 10 * 60_000);
    await testDb.db.insert(loginThrottle).values({ key: accountKey("sam@example.com"), failures: 5, lockedUntil });
    const list = await portal(["user:list"]);
    expect(list.stdout).toMatch(/sam@example\.com\s+Sam Agent\s+admin\s+locked until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);

    const run = await portal(["user:unlock", "--email", "sam@example.com"]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("Unlocked sam@example.com (Sam Agent); they can sign in again with their password.");
    expect((await portal(["user:list"])).stdout).toMatch(/sam@example\.com\s+Sam Agent\s+admin\s+active/);
    const [entry] = await testDb.db.select().from(auditLog).where(eq(auditLog.action, "user.unlocked"));
    expect(entry).toMatchObject({ actor: "cli" });

    const again = await portal(["user:unlock", "--email", "sam@example.com"]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe("sam@example.com is not locked out; they can sign in.");
  });

  it("reports an unknown user with exit 1", async () => {
    const run = await portal(["user:deactivate", "--email", "nobody@example.com"]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe("No user with the email nobody@example.com.");
  });
});

describe("portal CLI usage errors", () => {
  // No database work in these, so they run side by side to keep the file quick.
  it.concurrent.for([
    {
      problem: "a bad role",
      args: ["user:create", "--email", "x@example.com", "--name", "X", "--role", "boss"],
      message: /--role "boss".*admin, manager, agent, viewer/,
      command: "user:create",
    },
    {
      problem: "a bad email",
      args: ["user:create", "--email", "not-an-email", "--name", "X", "--role", "agent"],
      message: /--email "not-an-email".*valid email/,
      command: "user:create",
    },
    {
      problem: "a missing --email",
      args: ["user:set-role", "--role", "agent"],
      message: /Missing required option --email/,
      command: "user:set-role",
    },
    {
      problem: "an option without its value",
      args: ["user:deactivate", "--email"],
      message: /Option --email needs a value/,
      command: "user:deactivate",
    },
    {
      problem: "an unknown option",
      args: ["user:list", "--all"],
      message: /Unknown option --all/,
      command: "user:list",
    },
    {
      problem: "a too-short password",
      args: ["user:create", "--email", "x@example.com", "--name", "X", "--role", "agent", "--password", "tiny-pw"],
      message: /--password: .*at least 10 characters/,
      command: "user:create",
    },
    {
      problem: "an unknown command",
      args: ["user:delete", "--email", "x@example.com"],
      message: /Unknown command "user:delete"/,
      command: null,
    },
  ])("rejects $problem with exit 2 and a pointer to the help", async ({ args, message, command }, { expect }) => {
    const run = await portal(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    const [first, hint, ...rest] = run.stderr.trim().split("\n");
    expect(first).toMatch(message);
    expect(hint).toBe(`Run \`npm run portal -- ${command ? `${command} ` : ""}--help\` for usage.`);
    expect(rest).toEqual([]);
    expect(run.stderr).not.toContain("tiny-pw"); // a password is never echoed back
  });

  it("nothing from the rejected commands reached the database", async () => {
    expect(await findUserByEmail(testDb.db, "x@example.com")).toBeNull();
  });
});

describe("portal CLI help", () => {
  it.concurrent.for(["--help", "-h", "help"])("lists every command with `%s`", async (flag, { expect }) => {
    const run = await portal([flag]);
    expect(run.code).toBe(0);
    for (const name of COMMAND_NAMES) expect(run.stdout).toContain(name);
  });

  it.concurrent("shows a command's usage, options and an example", async ({ expect }) => {
    const run = await portal(["user:create", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: npm run portal -- user:create --email <email> --name <name> --role <role>");
    for (const flag of ["--email", "--name", "--role", "--password", "--help"]) expect(run.stdout).toContain(flag);
    expect(run.stdout).toMatch(/Example:\n\s+npm run portal -- user:create --email \S+/);
  });
});

describe("portal CLI (embedded PGlite)", () => {
  it("refuses to open a PGlite folder another process holds", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "portal-cli-"));
    // Same folder the child will use: db/client.ts opens path.join(dataDir(), "pglite").
    const folder = path.join(dir, "pglite");
    acquirePgliteLock(folder);
    try {
      const run = await portal(["user:list"], { PORTAL_DATA_DIR: dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("is in use by another process");
      expect(run.stderr).toContain(`pid ${process.pid}`);
    } finally {
      releasePgliteLock(folder);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
