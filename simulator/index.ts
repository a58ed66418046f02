// In-process entry point: startMagentoSimulator() generates a store from a seed and serves
// Magento's REST API for it on 127.0.0.1 (port 0 = any free port), with the control API.
import { Authenticator, signOAuthRequest, type Integration } from "./auth";
import { generateStore } from "./generate";
import { Random } from "./random";
import { createSimulatorServer, type SimulatorControl } from "./server";
import { openStoreState, StateFileError, StateFileWriter, type OpenedState } from "./state-file";
import type { MagentoStore } from "./store";

export type SimulatorOptions = {
  port?: number;
  host?: string;
  seed?: number;
  customers?: number;
  orders?: number;
  products?: number;
  /** A fixed admin bearer token (never expires). Default: one derived from the seed. */
  token?: string;
  /** Answer a page past the end with the last page again (Magento < 2.4) instead of items: []. */
  replayLastPage?: boolean;
  /**
   * Schema-only answers: no null in a property the official schema requires (contract tests).
   * Default false: the nulls real Magento 2.4 sends there (see README "Untidy shapes").
   */
  strictSchema?: boolean;
  /** "Now" of the generated history; default: start of the current UTC day (stable within a day). */
  now?: Date | number;
  admin?: { username: string; password: string };
  integration?: Partial<Integration>;
  /** oauth/consumer/enable_integration_as_bearer (default true). */
  integrationAsBearer?: boolean;
  /**
   * A file that keeps the store across restarts: loaded when it was made with the same seed and
   * sizes (its anchor wins over `now`), else generated and saved; every change is saved (state-file.ts).
   */
  stateFile?: string;
};

export type RunningSimulator = {
  baseUrl: string;
  port: number;
  adminToken: string;
  integration: Integration;
  admin: { username: string; password: string };
  control: SimulatorControl;
  store: MagentoStore;
  /** With a state file: whether the store came from it, and how. */
  state: { file: string; status: OpenedState["status"]; detail: string } | null;
  /** Stops serving, then saves the store one last time (with a state file). */
  close: () => Promise<void>;
};

/** Credentials derived from the seed (so a restart with the same seed keeps them). */
export function deriveCredentials(seed: number) {
  const rng = new Random(`${seed}:credentials`);
  return {
    admin: { username: "admin", password: `admin-${rng.token(12)}` },
    adminToken: rng.token(32),
    integration: {
      consumerKey: rng.token(32),
      consumerSecret: rng.token(32),
      accessToken: rng.token(32),
      accessTokenSecret: rng.token(32),
    },
  };
}

export async function startMagentoSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const seed = options.seed ?? 42;
  const host = options.host ?? "127.0.0.1";
  const derived = deriveCredentials(seed);
  const integration: Integration = { ...derived.integration, ...options.integration };
  const admin = options.admin ?? derived.admin;
  const adminToken = options.token ?? derived.adminToken;
  const now = options.now instanceof Date ? Math.floor(options.now.getTime() / 1000) : options.now;
  const generate = () =>
    generateStore({
      seed,
      customers: options.customers,
      orders: options.orders,
      products: options.products,
      now,
      strictSchema: options.strictSchema,
    });
  let store: MagentoStore;
  let state: RunningSimulator["state"] = null;
  let writer: StateFileWriter | null = null;
  if (options.stateFile) {
    const params = { seed, customers: options.customers ?? 2000, orders: options.orders ?? 10000, products: options.products ?? 200 };
    const opened = openStoreState(options.stateFile, params, generate);
    store = opened.store;
    state = { file: options.stateFile, status: opened.status, detail: opened.detail };
    writer = new StateFileWriter(store, options.stateFile, params);
  } else {
    store = generate();
  }
  const auth = new Authenticator({
    admin,
    integration,
    fixedTokens: [adminToken],
    integrationAsBearer: options.integrationAsBearer ?? true,
  });
  const sim = createSimulatorServer({ store, auth, replayLastPage: options.replayLastPage ?? false, seed });
  let port: number;
  try {
    port = await sim.listen(options.port ?? 0, host);
  } catch (error) {
    await writer?.close();
    throw error;
  }
  return {
    baseUrl: `http://${host}:${port}`,
    port,
    adminToken,
    integration,
    admin,
    control: sim.control,
    store,
    state,
    close: async () => {
      await sim.close();
      await writer?.close();
    },
  };
}

export { signOAuthRequest, generateStore, StateFileError };
export { storeFigures, type StoreFigures } from "./figures";
export type { Integration, SimulatorControl };
export type { PlacedOrder, PlaceOrderOptions, TickOptions, TickResult } from "./control";
export type { FaultRule } from "./faults";
