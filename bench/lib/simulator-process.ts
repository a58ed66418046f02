// Shared by the benches: CLI options, a free port, and the Magento simulator in its own process
// (so its work does not share the measured process's event loop).
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** `--name N`: a positive number (whole unless `integer` is false); exits 2 on a bad value. */
export function option(args: string[], name: string, fallback: number, integer = true): number {
  const index = args.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(args[index + 1]);
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    console.error(`--${name} needs a positive ${integer ? "whole " : ""}number (got "${args[index + 1] ?? ""}").`);
    process.exit(2);
  }
  return value;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Starts `scripts/magento-simulator.ts` and waits until it answers with the given token. */
export async function startSimulatorProcess(options: {
  port: number;
  customers: number;
  orders: number;
  token: string;
  seed?: number;
  timeoutMs?: number;
  /** Schema-only answers (no Magento nulls); default: the shapes real stores send. */
  strictSchema?: boolean;
}): Promise<ChildProcess> {
  const { port, token } = options;
  const child = spawn(
    "node_modules/.bin/tsx",
    [
      "scripts/magento-simulator.ts",
      "--port",
      String(port),
      "--seed",
      String(options.seed ?? 7),
      "--customers",
      String(options.customers),
      "--orders",
      String(options.orders),
      "--token",
      token,
      ...(options.strictSchema ? ["--strict-schema"] : []),
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const timeoutMs = options.timeoutMs ?? 300_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The simulator exited with code ${child.exitCode}.`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/rest/V1/store/websites`, { headers: { Authorization: `Bearer ${token}` } });
      if (response.ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill();
  throw new Error(`The simulator did not start within ${Math.round(timeoutMs / 1000)} s.`);
}
