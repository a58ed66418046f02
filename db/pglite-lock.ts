import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";

// PGlite has no lock of its own: two processes on one folder silently diverge and can corrupt it.
// We guard the folder with a lock file holding the owner's pid; a stale file (dead pid) is taken over.

export class DatabaseLockedError extends Error {
  constructor(
    readonly folder: string,
    readonly ownerPid: number,
    readonly ownerCommand: string,
  ) {
    super(
      `The embedded database in ${folder} is in use by another process (pid ${ownerPid}: ${ownerCommand}). ` +
        `Only one process can open it at a time. Stop that process first, or point both at a real Postgres ` +
        `with DATABASE_URL.`,
    );
    this.name = "DatabaseLockedError";
  }
}

type LockInfo = { pid: number; command: string; since: string };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readLock(file: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(file, "utf8")) as Partial<LockInfo>;
    return typeof info.pid === "number" ? { pid: info.pid, command: String(info.command ?? "?"), since: String(info.since ?? "") } : null;
  } catch {
    return null;
  }
}

const held = new Set<string>();

/** Takes the folder's lock for this process, or throws DatabaseLockedError naming the owner. */
export function acquirePgliteLock(folder: string): void {
  const file = `${folder}.lock`;
  if (held.has(file)) return;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx");
      const info: LockInfo = {
        pid: process.pid,
        command: process.argv.slice(1).join(" ").slice(0, 200),
        since: new Date().toISOString(),
      };
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      held.add(file);
      process.once("exit", () => releasePgliteLock(folder));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readLock(file);
      if (owner && owner.pid === process.pid) {
        held.add(file);
        return;
      }
      if (owner && isAlive(owner.pid)) throw new DatabaseLockedError(folder, owner.pid, owner.command);
      // Stale (owner gone) or half-written: remove and try again.
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${file}; remove it if no portal process is running.`);
}

export function releasePgliteLock(folder: string): void {
  const file = `${folder}.lock`;
  if (!held.has(file)) return;
  held.delete(file);
  const owner = readLock(file);
  if (owner?.pid === process.pid) rmSync(file, { force: true });
}
