import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startMagentoSimulator, StateFileError, type RunningSimulator, type SimulatorOptions } from "@/simulator";
import { placeSimulatorOrder } from "@/tests/helpers/place-order";

// The simulator with --state-file: what the REST API and the control API change survives a
// restart, generated history keeps its timestamps on a later day, and new ids continue after the
// old ones. A corrupt file is an error naming the file, never a silent regeneration.

const dir = mkdtempSync(path.join(tmpdir(), "sim-state-"));
const SIZES = { seed: 7, customers: 40, orders: 120 } satisfies SimulatorOptions;
const DAY1 = new Date("2025-03-01T00:00:00Z");
const DAY9 = new Date("2025-03-09T00:00:00Z");
const running: RunningSimulator[] = [];

async function start(options: SimulatorOptions): Promise<RunningSimulator> {
  const sim = await startMagentoSimulator({ port: 0, ...SIZES, ...options });
  running.push(sim);
  return sim;
}

async function stop(sim: RunningSimulator): Promise<void> {
  running.splice(running.indexOf(sim), 1);
  await sim.close();
}

async function rest(sim: RunningSimulator, method: string, route: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${sim.baseUrl}/rest/V1${route}`, {
    method,
    headers: { authorization: `Bearer ${sim.adminToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}

afterAll(async () => {
  for (const sim of running) await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("simulator state file", () => {
  it("keeps REST changes, ticks, timestamps and id sequences across a restart on a later day", async () => {
    const file = path.join(dir, "store.json");
    const first = await start({ now: DAY1, stateFile: file });
    expect(first.state?.status).toBe("created");
    expect(existsSync(file)).toBe(true);

    // A registered customer, then edited; a cart of theirs turned into an order; a control-API tick.
    const registered = (await rest(first, "POST", "/customers", {
      customer: { email: "kept.across@example.com", firstname: "Kept", lastname: "Across", website_id: 1 },
      password: "Restart-2025!",
    })) as { id: number } & Record<string, unknown>;
    await rest(first, "PUT", `/customers/${registered.id}`, { customer: { ...registered, lastname: "Restarted" } });
    const cartId = Number(await rest(first, "POST", `/customers/${registered.id}/carts`));
    const sku = first.store.products.find((p) => p.qty > 5)!.sku;
    await rest(first, "POST", `/carts/${cartId}/items`, { cartItem: { sku, qty: 2, quote_id: String(cartId) } });
    const orderId = await placeSimulatorOrder(first.baseUrl, first.adminToken, cartId);
    const ticked = first.control.tick({ newOrders: 2, newCarts: 1, editCustomers: 2 });

    // Saved while running (a crash loses only the last moment), before any close.
    await expect
      .poll(() => (JSON.parse(readFileSync(file, "utf8")) as { store: { seq: { order: number } } }).store.seq.order, { timeout: 5000 })
      .toBe(first.store.seq.order);

    const routes = [
      `/customers/${registered.id}`,
      `/carts/${cartId}`,
      `/orders/${orderId}`,
      ...ticked.created.orders.map((id) => `/orders/${id}`),
      ...ticked.changed.customers.map((id) => `/customers/${id}`),
      "/orders/1",
      "/customers/1",
      "/carts/1",
      `/products/${encodeURIComponent(sku)}`,
      "/orders?searchCriteria[pageSize]=50&searchCriteria[currentPage]=2&searchCriteria[sortOrders][0][field]=created_at",
    ];
    const before = new Map<string, unknown>();
    for (const route of routes) before.set(route, await rest(first, "GET", route));
    expect((before.get(`/customers/${registered.id}`) as { lastname: string }).lastname).toBe("Restarted");
    const seqBefore = { ...first.store.seq };
    const anchor = first.store.anchor;
    const maxCart = Math.max(...first.store.carts.keys());
    const maxOrder = Math.max(...first.store.orders.keys());
    const maxCustomer = Math.max(...first.store.customers.keys());
    await stop(first);

    // A store generated for the later day has other timestamps: what keeps them is the file.
    const regenerated = await start({ now: DAY9 });
    expect(await rest(regenerated, "GET", "/orders/1")).not.toEqual(before.get("/orders/1"));
    await stop(regenerated);

    const second = await start({ now: DAY9, stateFile: file });
    expect(second.state?.status).toBe("loaded");
    expect(second.store.anchor).toBe(anchor);
    expect(second.store.seq).toEqual(seqBefore);
    expect(second.store.ticks).toBe(1);
    for (const route of routes) expect(await rest(second, "GET", route), route).toEqual(before.get(route));

    // New records get ids after every existing one.
    const again = (await rest(second, "POST", "/customers", {
      customer: { email: "after.restart@example.com", firstname: "After", lastname: "Restart", website_id: 1 },
    })) as { id: number };
    expect(again.id).toBe(maxCustomer + 1);
    const newCart = Number(await rest(second, "POST", `/customers/${again.id}/carts`));
    expect(newCart).toBe(maxCart + 1);
    await rest(second, "POST", `/carts/${newCart}/items`, { cartItem: { sku, qty: 1, quote_id: String(newCart) } });
    const newOrder = await placeSimulatorOrder(second.baseUrl, second.adminToken, newCart);
    expect(newOrder).toBe(maxOrder + 1);
    const tick = second.control.tick({ newOrders: 1 });
    expect(tick.created.orders[0]).toBe(maxOrder + 2);
    // The tick stream continues with tick 2 (its own random draws), it does not replay tick 1.
    expect(second.store.ticks).toBe(2);
    await stop(second);

    const third = await start({ now: DAY9, stateFile: file });
    expect(third.store.orders.has(newOrder)).toBe(true);
    expect(third.store.seq.order).toBe(maxOrder + 2);
    await stop(third);
  }, 60_000);

  it("generates and saves a new store when the file was made with another seed or sizes, keeping the old file", async () => {
    const file = path.join(dir, "sizes.json");
    await stop(await start({ now: DAY1, stateFile: file }));
    const other = await start({ now: DAY1, stateFile: file, orders: 60 });
    expect(other.state?.status).toBe("replaced");
    expect(other.state?.detail).toContain("120 orders");
    expect(other.store.orders.size).toBe(60);
    expect(existsSync(`${file}.previous`)).toBe(true);
    await stop(other);
  });

  it("generates the store again when the file was written by another format version, keeping the old file", async () => {
    const file = path.join(dir, "version.json");
    await stop(await start({ now: DAY1, stateFile: file }));
    const saved = JSON.parse(readFileSync(file, "utf8")) as { version: number };
    writeFileSync(file, JSON.stringify({ ...saved, version: 1 }));
    const again = await start({ now: DAY1, stateFile: file });
    expect(again.state?.status).toBe("replaced");
    expect(again.state?.detail).toContain("format version 1");
    expect(existsSync(`${file}.previous`)).toBe(true);
    // The Europe website's orders carry this version's EUR base amounts.
    const european = [...again.store.orders.values()].find((o) => o.storeId === 3)!;
    expect(again.store.orderColumns(european)).toMatchObject({ base_currency_code: "EUR", base_to_global_rate: 1.0815 });
    await stop(again);
  });

  it("refuses a corrupt or foreign file with a message naming it and how to start afresh", async () => {
    const file = path.join(dir, "corrupt.json");
    await stop(await start({ now: DAY1, stateFile: file }));
    const whole = readFileSync(file, "utf8");
    const currentVersion = (JSON.parse(whole) as { version: number }).version;
    for (const broken of [
      whole.slice(0, Math.floor(whole.length / 2)),
      '{"format":"something else"}',
      "",
      `{"format":"magento-simulator-store","version":${currentVersion},"params":{"seed":7,"customers":40,"orders":120,"products":200},"store":[]}`,
    ]) {
      writeFileSync(file, broken);
      const attempt = start({ now: DAY1, stateFile: file });
      await expect(attempt).rejects.toThrow(StateFileError);
      await expect(attempt).rejects.toThrow(file);
      await expect(attempt).rejects.toThrow(/Delete .* to start afresh/);
      // Left as it was: nothing regenerated over it.
      expect(readFileSync(file, "utf8")).toBe(broken);
    }
  });

  it("refuses a file whose records lack a field every record of this version has (written by an older simulator)", async () => {
    const file = path.join(dir, "older.json");
    await stop(await start({ now: DAY1, stateFile: file }));
    const saved = JSON.parse(readFileSync(file, "utf8")) as { store: { orders: { $map: unknown[] } } };
    const flat = saved.store.orders.$map;
    for (let i = 1; i < flat.length; i += 2) delete (flat[i] as Record<string, unknown>).protectCode;
    writeFileSync(file, JSON.stringify(saved));
    const attempt = start({ now: DAY1, stateFile: file });
    await expect(attempt).rejects.toThrow(StateFileError);
    await expect(attempt).rejects.toThrow(/written by an older simulator: its records lack orders: protectCode/);
  });

  it("the CLI exits with the message on a corrupt file", () => {
    const file = path.join(dir, "cli.json");
    writeFileSync(file, "{ not json");
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/magento-simulator.ts", "--port", "0", "--state-file", file], {
      cwd: process.cwd(),
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`The simulator's state file ${file} is corrupt`);
    expect(result.stderr).toContain("rm -rf .data");
  }, 40_000);
});
