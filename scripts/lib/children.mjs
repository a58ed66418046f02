// The child processes of a launcher script (`npm start`, the standalone smoke test): a stop signal
// is passed to each of them, and the launcher exits only once all have exited, so their ports are
// free when it is gone. Node built-ins only (runs before npm ci).

/** How long children get to stop after the signal before they are killed (above the portal's 25 s grace). */
export const CHILDREN_GRACE_MS = 30_000;

export function childGroup({ graceMs = CHILDREN_GRACE_MS, log = console.error } = {}) {
  const children = new Set();
  let stopping = false;

  const running = (child) => child.exitCode === null && child.signalCode === null;

  return {
    get stopping() {
      return stopping;
    },
    /** Adds a spawned child; it leaves the group when it exits. */
    add(child) {
      children.add(child);
      child.once("exit", () => children.delete(child));
      return child;
    },
    /** Sends `signal` to every child still running (no waiting: also safe in an "exit" handler). */
    signalAll(signal = "SIGTERM") {
      stopping = true;
      for (const child of children) if (running(child)) child.kill(signal);
    },
    /**
     * Stops the children one at a time, the last started first, each getting `signal` and graceMs
     * to exit before SIGKILL. The last started depends on the ones before (the portal syncs from the
     * simulator): it finishes its page while the store still answers.
     */
    async stopAll(signal = "SIGTERM") {
      stopping = true;
      for (const child of [...children].reverse()) {
        if (!running(child)) continue;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill(signal);
        const timer = setTimeout(() => {
          if (!running(child)) return;
          log(`Process ${child.pid} did not stop within ${Math.round(graceMs / 1000)} s: killing it.`);
          child.kill("SIGKILL");
        }, graceMs);
        timer.unref();
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/**
 * SIGINT/SIGTERM to this process: pass it on to the group, wait for every child, then exit with
 * `exitCode(signal)` (130 for SIGINT, 143 for SIGTERM by default).
 */
export function stopGroupOnSignals(group, exitCode = (signal) => (signal === "SIGINT" ? 130 : 143)) {
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      if (group.stopping) return; // a second Ctrl+C while waiting: the children already have the signal
      void group.stopAll(signal).then(() => process.exit(exitCode(signal)));
    });
  }
}

/**
 * Stops the group when this process's parent is gone. `npm start` runs this script under `sh -c`:
 * a SIGTERM to npm ends npm and that shell without reaching this process, which would leave the
 * portal and the simulator running on their ports. Checked every second.
 */
export function stopGroupWhenParentExits(group, exitCode = 143) {
  const parent = process.ppid;
  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      clearInterval(timer);
      if (group.stopping) return;
      console.error("The process that started this one has exited: stopping.");
      void group.stopAll("SIGTERM").then(() => process.exit(exitCode));
    }
  }, 1_000);
  timer.unref();
}
