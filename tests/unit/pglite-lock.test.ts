import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DatabaseLockedError, acquirePgliteLock, releasePgliteLock } from "@/db/pglite-lock";

// The lock for a PGlite folder is the file `<folder>.lock`: JSON naming the owner (pid, host,
// boot id, PID namespace, process start time, a random token). These tests run on Linux, where
// /proc tells a live owner from a pid reused by another process.

const ROOT = path.resolve(import.meta.dirname, "../..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const CHILD = path.join(ROOT, "tests/unit/fixtures/pglite-lock-child.ts");

let dir: string;
let folder: string;
let lockFile: string;
const children: ChildProcess[] = [];

type LockRecord = {
  version: number;
  token: string;
  pid: number;
  host: string;
  bootId: string | null;
  pidNamespace: string | null;
  processStart: string | null;
  command: string;
  since: string;
};

const BOOT_ID = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
const PID_NAMESPACE = readlinkSync("/proc/self/ns/pid");

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks after boot. */
function processStart(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]!;
}

function startIdleProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once("spawn", () => resolve(child));
    child.once("error", reject);
  });
}

/** The pid of a process that has already exited (so no live process owns it). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  const pid = child.pid;
  await new Promise((resolve) => child.once("exit", resolve));
  if (pid === undefined) throw new Error("could not start a short-lived process");
  return pid;
}

/** A lock as another process on this machine would write it; `pid` is alive unless told otherwise. */
function writeLock(record: Partial<LockRecord> & { pid: number }) {
  const full: LockRecord = {
    version: 2,
    token: "other-process-token",
    host: hostname(),
    bootId: BOOT_ID,
    pidNamespace: PID_NAMESPACE,
    processStart: record.processStart === undefined ? processStart(record.pid) : record.processStart,
    command: "node scripts/other-process.mjs",
    since: new Date().toISOString(),
    ...record,
  };
  writeFileSync(lockFile, JSON.stringify(full));
}

function readLockFile(): LockRecord {
  return JSON.parse(readFileSync(lockFile, "utf8")) as LockRecord;
}

function refusal(): DatabaseLockedError {
  try {
    acquirePgliteLock(folder);
  } catch (error) {
    expect(error).toBeInstanceOf(DatabaseLockedError);
    return error as DatabaseLockedError;
  }
  throw new Error("expected acquirePgliteLock to refuse");
}

type Contender = { child: ChildProcess; answer: Promise<string> };

/** Starts a child that takes the lock of `folder` when told "go"; resolves once it is ready. */
function contender(): Promise<Contender> {
  const child = spawn(TSX, [CHILD], { cwd: ROOT, env: { ...process.env, FOLDER: folder }, stdio: ["pipe", "pipe", "inherit"] });
  children.push(child);
  let output = "";
  let onReady: () => void = () => {};
  let onAnswer: (line: string) => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const answer = new Promise<string>((resolve) => (onAnswer = resolve));
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    output += chunk;
    const lines = output.split("\n");
    if (lines.includes("ready")) onReady();
    const last = lines.find((line) => /^(won|locked|error)/.test(line));
    if (last) onAnswer(last);
  });
  child.once("exit", (code) => onAnswer(`exited ${code}`));
  return ready.then(() => ({ child, answer }));
}

/** Several real processes try to take the lock at the same moment; their answers. */
async function race(count: number): Promise<string[]> {
  const contenders = await Promise.all(Array.from({ length: count }, () => contender()));
  for (const c of contenders) c.child.stdin!.write("go\n");
  const answers = await Promise.all(contenders.map((c) => c.answer));
  for (const c of contenders) c.child.stdin!.end();
  await Promise.all(contenders.map((c) => (c.child.exitCode === null ? new Promise((r) => c.child.once("exit", r)) : null)));
  return answers;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "pglite-lock-test-"));
  folder = path.join(dir, "pglite");
  lockFile = `${folder}.lock`;
});

afterEach(() => {
  releasePgliteLock(folder);
  for (const child of children.splice(0)) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("acquirePgliteLock", () => {
  it("writes a lock file naming this process, its host, boot, PID namespace and start time", () => {
    acquirePgliteLock(folder);

    const lock = readLockFile();
    expect(lock).toMatchObject({
      pid: process.pid,
      host: hostname(),
      bootId: BOOT_ID,
      pidNamespace: PID_NAMESPACE,
      processStart: processStart(process.pid),
    });
    expect(lock.token).toMatch(/^[0-9a-f]{32}$/);
    expect(typeof lock.command).toBe("string");
    expect(Number.isNaN(Date.parse(lock.since))).toBe(false);
    // Written to a temporary file and linked into place: nothing is left beside it.
    expect(readdirSync(dir)).toEqual(["pglite.lock"]);
  });

  it("can be taken again by the process that already holds it", () => {
    acquirePgliteLock(folder);
    const { token } = readLockFile();
    expect(() => acquirePgliteLock(folder)).not.toThrow();
    expect(readLockFile().token).toBe(token);
  });

  it("refuses with DatabaseLockedError naming the pid when another live process holds the lock", async () => {
    const other = await startIdleProcess();
    writeLock({ pid: other.pid!, command: "node scripts/start.mjs" });

    const locked = refusal();

    expect(locked.ownerPid).toBe(other.pid);
    expect(locked.ownerCommand).toBe("node scripts/start.mjs");
    expect(locked.folder).toBe(folder);
    expect(locked.message).toContain("is in use by another process");
    expect(locked.message).toContain(`pid ${other.pid}`);
    // The other process's lock is left untouched.
    expect(readLockFile()).toMatchObject({ pid: other.pid, token: "other-process-token" });
  });

  it("takes over a stale lock file whose process is gone", async () => {
    const pid = await deadPid();
    writeLock({ pid, processStart: "12345" });

    acquirePgliteLock(folder);

    expect(readLockFile().pid).toBe(process.pid);
  });

  it("takes over a lock with this process's pid but another start time (an earlier process given the same pid)", () => {
    writeLock({ pid: process.pid, processStart: String(Number(processStart(process.pid)) - 1000) });

    acquirePgliteLock(folder);

    const lock = readLockFile();
    expect(lock.token).not.toBe("other-process-token");
    expect(lock.processStart).toBe(processStart(process.pid));
  });

  it("takes over a lock whose pid now belongs to another process (same pid, other start time)", async () => {
    const other = await startIdleProcess();
    writeLock({ pid: other.pid!, processStart: String(Number(processStart(other.pid!)) - 1000) });

    acquirePgliteLock(folder);

    expect(readLockFile()).toMatchObject({ pid: process.pid });
  });

  it("takes over a lock from before the machine restarted (another boot id)", async () => {
    const other = await startIdleProcess();
    writeLock({ pid: other.pid!, bootId: "00000000-0000-4000-8000-000000000000" });

    acquirePgliteLock(folder);

    expect(readLockFile().pid).toBe(process.pid);
  });

  it("never deletes a lock file that is still being written, and says so", () => {
    writeFileSync(lockFile, '{"version": 2, "pid": 12');

    const locked = refusal();

    expect(readFileSync(lockFile, "utf8")).toBe('{"version": 2, "pid": 12');
    expect(locked.ownerPid).toBeNull();
    expect(locked.message).toContain("being taken by another process right now");
    expect(locked.message).toContain(lockFile);
  });

  it("takes over an unreadable lock file left for more than a few seconds", () => {
    writeFileSync(lockFile, "");
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lockFile, minuteAgo, minuteAgo);

    acquirePgliteLock(folder);

    expect(readLockFile().pid).toBe(process.pid);
  });

  it("treats a lock from another host as held, and says which host and how to clear it", async () => {
    const pid = await deadPid();
    writeLock({ pid, host: "portal-2.internal", processStart: "777", command: "next start" });

    const locked = refusal();

    expect(locked.ownerPid).toBe(pid);
    expect(locked.ownerHost).toBe("portal-2.internal");
    expect(locked.message).toContain(`pid ${pid} on host portal-2.internal`);
    expect(locked.message).toContain("next start");
    expect(locked.message).toContain(`delete ${lockFile}`);
    expect(readLockFile().token).toBe("other-process-token");
  });

  it("treats a lock from another PID namespace (another container) as held, and says how to clear it", async () => {
    const pid = await deadPid();
    writeLock({ pid, pidNamespace: "pid:[4026530000]", processStart: "777" });

    const locked = refusal();

    expect(locked.message).toContain("another container or PID namespace");
    expect(locked.message).toContain(`pid ${pid}`);
    expect(locked.message).toContain(`delete ${lockFile}`);
    expect(readLockFile().token).toBe("other-process-token");
  });

  it("reads a lock written by the previous version (pid, command, since): held while that pid lives", async () => {
    const other = await startIdleProcess();
    writeFileSync(lockFile, JSON.stringify({ pid: other.pid, command: "node old.mjs", since: new Date().toISOString() }));
    expect(refusal().ownerPid).toBe(other.pid);

    writeFileSync(lockFile, JSON.stringify({ pid: await deadPid(), command: "node old.mjs", since: new Date().toISOString() }));
    acquirePgliteLock(folder);
    expect(readLockFile().pid).toBe(process.pid);
  });
});

describe("two processes racing for the lock", () => {
  it("of a free folder: exactly one of several processes wins", async () => {
    const answers = await race(5);
    expect(
      answers.filter((a) => a === "won"),
      answers.join("\n"),
    ).toHaveLength(1);
    expect(
      answers.filter((a) => a.startsWith("locked ")),
      answers.join("\n"),
    ).toHaveLength(4);
  });

  it("of a stale lock: exactly one of several processes takes it over", async () => {
    writeLock({ pid: await deadPid(), processStart: "12345" });
    const answers = await race(5);
    expect(
      answers.filter((a) => a === "won"),
      answers.join("\n"),
    ).toHaveLength(1);
    expect(
      answers.filter((a) => a.startsWith("locked ")),
      answers.join("\n"),
    ).toHaveLength(4);
  });
});

describe("releasePgliteLock", () => {
  it("removes the lock file so another process can open the folder", () => {
    acquirePgliteLock(folder);

    releasePgliteLock(folder);

    expect(existsSync(lockFile)).toBe(false);
  });

  it("lets the folder be locked again after release", () => {
    acquirePgliteLock(folder);
    releasePgliteLock(folder);

    acquirePgliteLock(folder);

    expect(readLockFile().pid).toBe(process.pid);
  });

  it("leaves another process's lock alone when this process does not hold it", async () => {
    const other = await startIdleProcess();
    writeLock({ pid: other.pid! });

    releasePgliteLock(folder);

    expect(readLockFile().pid).toBe(other.pid);
  });

  it("leaves the file alone when it no longer holds this process's token", async () => {
    acquirePgliteLock(folder);
    // Someone cleared the lock by hand and another process took the folder meanwhile.
    const other = await startIdleProcess();
    writeLock({ pid: other.pid! });

    releasePgliteLock(folder);

    expect(readLockFile()).toMatchObject({ pid: other.pid, token: "other-process-token" });
  });
});
