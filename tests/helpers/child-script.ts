import { spawn } from "node:child_process";
import path from "node:path";

// A test fixture script (tests/integration/fixtures/*.ts) in a process of its own, for tests that
// kill a worker with SIGKILL. Node itself runs it (tsx as a loader), not the tsx command: that one
// runs the script in a grandchild, which a SIGKILL of the command leaves running.

export type ChildResult = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

export function spawnScript(script: string, env: Record<string, string>): { pid: number; kill: () => void; exited: Promise<ChildResult> } {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve(script)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<ChildResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { pid: child.pid!, kill: () => child.kill("SIGKILL"), exited };
}

/** Runs the script to its end; kills it with SIGKILL after `killAfterMs` when given. */
export async function runScript(script: string, env: Record<string, string>, killAfterMs?: number): Promise<ChildResult> {
  const child = spawnScript(script, env);
  const timer = killAfterMs === undefined ? null : setTimeout(child.kill, killAfterMs);
  const result = await child.exited;
  if (timer) clearTimeout(timer);
  return result;
}

/** Whether a process with this pid is still running. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
