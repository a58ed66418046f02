import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import type { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { processAlive as alive } from "@/tests/helpers/child-script";

// `npm start` (scripts/start.mjs) passes SIGTERM/SIGINT on to its children (the portal, the
// simulator) through scripts/lib/children.mjs and exits only when they have: afterwards no child
// is left running and their ports are free for the next start.

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

type Started = { launcher: number; children: { pid: number; port: number }[] };

/** What the launcher prints once both children listen. */
function startedOf(process: { stdout: Readable }): Promise<Started> {
  return new Promise((resolve) => {
    let out = "";
    process.stdout.on("data", (data: Buffer) => {
      out += data.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve(JSON.parse(line) as Started);
    });
  });
}

const LAUNCHER = path.resolve("tests/integration/fixtures/launcher.mjs");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("npm start's signal handling", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("%s reaches every child and the launcher exits after they have", async (signal) => {
    const launcher = spawn(process.execPath, [LAUNCHER], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise<number | null>((resolve) => launcher.on("exit", (code) => resolve(code)));
    const { children } = await startedOf(launcher);
    expect(children).toHaveLength(2);
    for (const child of children) expect(await portFree(child.port)).toBe(false);

    const signalledAt = Date.now();
    launcher.kill(signal);
    const code = await exited;
    // Each child takes 0.8 s to stop, and they are stopped one after the other (the portal before
    // the simulator it syncs from): the launcher waited for both rather than leaving at once.
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(1_500);
    expect(code).toBe(signal === "SIGINT" ? 130 : 143);
    for (const child of children) {
      expect(alive(child.pid)).toBe(false);
      expect(await portFree(child.port)).toBe(true);
    }
  });

  it("stops its children when its parent goes without passing the signal on (kill <npm's pid>)", async () => {
    // npm runs `npm start` under `sh -c`; a SIGTERM to npm ends the shell, which does not pass it on
    // (`; true` keeps sh from handing its process over to the launcher).
    const shell = spawn("sh", ["-c", `"${process.execPath}" "${LAUNCHER}"; true`], { stdio: ["ignore", "pipe", "inherit"] });
    const started = await startedOf(shell);
    shell.kill("SIGTERM");
    const deadline = Date.now() + 15_000;
    while ([started.launcher, ...started.children.map((c) => c.pid)].some(alive)) {
      if (Date.now() > deadline) throw new Error("the launcher or a child still runs 15 s after its parent went");
      await sleep(100);
    }
    for (const child of started.children) expect(await portFree(child.port)).toBe(true);
  });
});
