import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DatabaseLockedError, acquirePgliteLock, releasePgliteLock } from "@/db/pglite-lock";

// The lock for a PGlite folder is the file `<folder>.lock`, holding {pid, command, since} as JSON.

let dir: string;
let folder: string;
let lockFile: string;
const children: ChildProcess[] = [];

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

function writeForeignLock(pid: number, command = "node scripts/other-process.mjs") {
  writeFileSync(lockFile, JSON.stringify({ pid, command, since: new Date().toISOString() }));
}

function readLockFile(): { pid: number; command: string; since: string } {
  return JSON.parse(readFileSync(lockFile, "utf8"));
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
  it("writes a lock file naming this process when the folder is free", () => {
    acquirePgliteLock(folder);

    expect(existsSync(lockFile)).toBe(true);
    const lock = readLockFile();
    expect(lock.pid).toBe(process.pid);
    expect(typeof lock.command).toBe("string");
    expect(Number.isNaN(Date.parse(lock.since))).toBe(false);
  });

  it("can be taken again by the process that already holds it", () => {
    acquirePgliteLock(folder);
    expect(() => acquirePgliteLock(folder)).not.toThrow();
    expect(readLockFile().pid).toBe(process.pid);
  });

  it("refuses with DatabaseLockedError naming the pid when another live process holds the lock", async () => {
    const other = await startIdleProcess();
    writeForeignLock(other.pid!, "node scripts/start.mjs");

    let caught: unknown;
    try {
      acquirePgliteLock(folder);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(DatabaseLockedError);
    const locked = caught as DatabaseLockedError;
    expect(locked.ownerPid).toBe(other.pid);
    expect(locked.ownerCommand).toBe("node scripts/start.mjs");
    expect(locked.folder).toBe(folder);
    expect(locked.message).toContain(`pid ${other.pid}`);
    // The other process's lock is left untouched.
    expect(readLockFile().pid).toBe(other.pid);
  });

  it("takes over a stale lock file whose process is gone", async () => {
    const pid = await deadPid();
    writeForeignLock(pid);

    acquirePgliteLock(folder);

    expect(readLockFile().pid).toBe(process.pid);
  });

  it("takes over a half-written (unreadable) lock file", () => {
    writeFileSync(lockFile, '{"pid": 12');

    acquirePgliteLock(folder);

    expect(readLockFile().pid).toBe(process.pid);
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
    writeForeignLock(other.pid!);

    releasePgliteLock(folder);

    expect(readLockFile().pid).toBe(other.pid);
  });
});
