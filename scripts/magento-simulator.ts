// `npm run magento:sim -- --port 8080 --seed 42 …`: a generated Magento 2 store speaking the
// official REST contract on 127.0.0.1, for the portal's demo and for manual testing.
import path from "node:path";
import { StateFileError, startMagentoSimulator } from "@/simulator";

const USAGE = `Usage: npm run magento:sim -- [options]

Serves a generated Magento 2.4 store over REST on 127.0.0.1 (contract: ../shared/magento).

Options:
  --port <n>            TCP port (0 = any free port; default 8080)
  --host <address>      address to listen on (default 127.0.0.1; 0.0.0.0 in a container, compose.yaml)
  --seed <n>            seed of the generated store (default 42)
  --customers <n>       number of customers (default 2000)
  --orders <n>          number of orders (default 10000)
  --token <t>           fixed admin bearer token (default: derived from the seed)
  --replay-last-page    a page past the end repeats the last page (Magento < 2.4) instead of items: []
  --state-file <path>   keep the store in this file: loaded on start when made with the same seed and
                        sizes (else generated and saved), every change saved; delete it to start afresh
  --strict-schema       schema-only answers: "" or 0 where real Magento sends null in a required
                        property (default: Magento's own nulls, as real stores send them)
  --help, -h            this help

Control API (same bearer token): GET /__simulator/state, POST /__simulator/tick,
POST|GET|DELETE /__simulator/faults, GET /__simulator/pushed, GET /__simulator/requests.`;

type Parsed = {
  port: number;
  host?: string;
  seed: number;
  customers: number;
  orders: number;
  token?: string;
  replayLastPage: boolean;
  strictSchema: boolean;
  stateFile?: string;
};

class UsageError extends Error {}

function parse(argv: string[]): Parsed | "help" {
  if (argv.includes("--help") || argv.includes("-h")) return "help";
  const out: Parsed = { port: 8080, seed: 42, customers: 2000, orders: 10000, replayLastPage: false, strictSchema: false };
  const seen = new Set<string>();
  const int = (name: string, raw: string | undefined, min: number, max: number): number => {
    if (raw === undefined || raw.startsWith("--")) throw new UsageError(`Option --${name} needs a value.`);
    if (!/^\d+$/.test(raw)) throw new UsageError(`Option --${name} must be a whole number, got "${raw}".`);
    const n = Number(raw);
    if (n < min || n > max) throw new UsageError(`Option --${name} must be between ${min} and ${max}, got ${n}.`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    const eq = token.indexOf("=");
    const name = token.startsWith("--") ? (eq < 0 ? token.slice(2) : token.slice(2, eq)) : "";
    if (!name) throw new UsageError(`Unexpected argument "${token}".`);
    if (seen.has(name)) throw new UsageError(`Option --${name} is given more than once.`);
    seen.add(name);
    const value = () => (eq >= 0 ? token.slice(eq + 1) : argv[++i]);
    switch (name) {
      case "port":
        out.port = int(name, value(), 0, 65535);
        break;
      case "host": {
        const host = value();
        if (host === undefined || host === "" || host.startsWith("--")) throw new UsageError("Option --host needs an address.");
        out.host = host;
        break;
      }
      case "seed":
        out.seed = int(name, value(), 0, 2 ** 32 - 1);
        break;
      case "customers":
        out.customers = int(name, value(), 1, 200000);
        break;
      case "orders":
        out.orders = int(name, value(), 0, 500000);
        break;
      case "token": {
        const t = value();
        if (t === undefined || t === "" || t.startsWith("--")) throw new UsageError("Option --token needs a value.");
        if (!/^[A-Za-z0-9._~+/-]{8,}$/.test(t))
          throw new UsageError("Option --token must be at least 8 characters of A-Z a-z 0-9 . _ ~ + / -.");
        out.token = t;
        break;
      }
      case "state-file": {
        const file = value();
        if (file === undefined || file === "" || file.startsWith("--")) throw new UsageError("Option --state-file needs a path.");
        out.stateFile = path.resolve(file);
        break;
      }
      case "replay-last-page":
        if (eq >= 0) throw new UsageError("Option --replay-last-page does not take a value.");
        out.replayLastPage = true;
        break;
      case "strict-schema":
        if (eq >= 0) throw new UsageError("Option --strict-schema does not take a value.");
        out.strictSchema = true;
        break;
      default:
        throw new UsageError(`Unknown option --${name}.`);
    }
  }
  return out;
}

async function main(): Promise<number> {
  let args: Parsed | "help";
  try {
    args = parse(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`magento:sim: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (args === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const started = Date.now();
  let sim;
  try {
    sim = await startMagentoSimulator({
      port: args.port,
      host: args.host,
      seed: args.seed,
      customers: args.customers,
      orders: args.orders,
      token: args.token,
      replayLastPage: args.replayLastPage,
      strictSchema: args.strictSchema,
      stateFile: args.stateFile,
    });
  } catch (error) {
    if (error instanceof StateFileError) {
      process.stderr.write(`magento:sim: ${error.message}\n`);
      return 1;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      process.stderr.write(`magento:sim: port ${args.port} on 127.0.0.1 is already in use.\n`);
      return 1;
    }
    throw error;
  }
  const state = sim.control.state();
  const lines = [
    `Magento simulator ready in ${Date.now() - started} ms (seed ${args.seed}: ${state.customers} customers, ${state.orders.total} orders, ${state.carts.total} carts, ${state.creditmemos} credit memos).`,
    `  Base URL:             ${sim.baseUrl}   (REST: ${sim.baseUrl}/rest/<default|fr|de|all>/V1/…)`,
    `  Admin token:          ${sim.adminToken}`,
    `  Admin user:           ${sim.admin.username} / ${sim.admin.password}   (POST /rest/V1/integration/admin/token)`,
    `  Integration (OAuth 1.0a, HMAC-SHA256):`,
    `    Consumer key:       ${sim.integration.consumerKey}`,
    `    Consumer secret:    ${sim.integration.consumerSecret}`,
    `    Access token:       ${sim.integration.accessToken}`,
    `    Access token secret: ${sim.integration.accessTokenSecret}`,
    `  Page past the end:    ${args.replayLastPage ? "replays the last page (Magento < 2.4)" : "items: [] with the full total_count"}`,
    `  State:                ${sim.state ? `${sim.state.detail}; changes are saved there` : "generated at start, not saved (--state-file keeps it)"}`,
    `  Shapes:               ${args.strictSchema ? "schema-only (no null in a required property)" : "Magento's own nulls (region-less addresses, guest carts, base_cost …)"}`,
    `  Control API:          ${sim.baseUrl}/__simulator/state (same bearer token). Ctrl+C stops.`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  await new Promise<void>((resolve) => {
    // Kept installed while closing: a second signal (npx and tsx pass one on as well) must not kill the last save.
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`\nmagento:sim: ${signal}, shutting down.\n`);
      resolve();
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
  });
  try {
    await sim.close();
  } catch (error) {
    process.stderr.write(
      `magento:sim: the store could not be saved on shutdown: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
  return 0;
}

process.exitCode = await main();
