import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createMagentoClient, requestAdminToken, type MagentoClientOptions } from "@/lib/magento/client";
import { MagentoAuthError, MagentoHttpError, MagentoNotFoundError, MagentoResponseError } from "@/lib/magento/errors";
import type { RequestTiming } from "@/lib/magento/http";
import { PaginationLimitError } from "@/lib/magento/paginate";
import type { MagentoOrder } from "@/lib/magento/schemas/order";
import type { Filter, SearchCriteria, SortOrder } from "@/lib/magento/search-criteria";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { recordingFetch } from "../helpers/recording-fetch";

// The client against the simulator over real HTTP: pagination past the end (current Magento's
// empty page and older Magento's last page again), filter groups (OR inside, AND across),
// date ranges, sorting, retries on 500 / 429 / timeouts, giving up with a clear error, no
// retry on 400 / 404, 401 with bearer and OAuth 1.0a, a malformed record reported without
// losing the rest of its page, a body that is not JSON, and the client's concurrency and rate
// caps as the simulator saw them. Reference data comes from raw fetches, not from the client.

const NOW = Date.UTC(2026, 0, 15) / 1000;
const ORDERS = 600;
let sim: RunningSimulator;

type OrderRow = {
  entity_id: number;
  increment_id: string;
  status: string;
  grand_total: number;
  created_at: string;
  customer_email: string;
};
type CustomerRow = { id: number; email: string; group_id: number };
let allOrders: OrderRow[] = [];
let allCustomers: CustomerRow[] = [];

async function raw<T>(pathAndQuery: string): Promise<T> {
  const response = await fetch(`${sim.baseUrl}${pathAndQuery}`, { headers: { Authorization: `Bearer ${sim.adminToken}` } });
  expect(response.status, pathAndQuery).toBe(200);
  return (await response.json()) as T;
}

/** A client on the simulator with fast backoff, every attempt recorded. */
function makeClient(overrides: Partial<MagentoClientOptions> = {}) {
  const attempts: RequestTiming[] = [];
  const recorder = recordingFetch();
  const client = createMagentoClient({
    baseUrl: sim.baseUrl,
    auth: { type: "bearer", token: sim.adminToken },
    fetch: recorder.fetch,
    requestsPerSecond: null,
    maxRetries: 3,
    timeoutMs: 5000,
    backoff: { baseDelayMs: 20, maxDelayMs: 100 },
    onRequest: (timing) => attempts.push(timing),
    ...overrides,
  });
  return { client, attempts, exchanges: recorder.exchanges };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

/** Every record of a searchAll walk, with the number of requests it took. */
async function walkOrders(criteria: SearchCriteria, options: { maxPages?: number } = {}) {
  const { client, attempts } = makeClient();
  const records: MagentoOrder[] = [];
  const pages: number[] = [];
  for await (const page of client.searchAll("orders", criteria, options)) {
    records.push(...page.records);
    pages.push(page.page);
    expect(page.invalid).toEqual([]);
  }
  return { records, ids: records.map((o) => o.entity_id!), pages, requests: attempts.length };
}

/** MySQL LIKE (case-insensitive, % and _) as a RegExp. */
function likeRegex(pattern: string): RegExp {
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    .replace(/%/g, ".*")
    .replace(/_/g, ".");
  return new RegExp(`^${body}$`, "i");
}

const byId = (a: number, b: number) => a - b;

beforeAll(async () => {
  sim = await startMagentoSimulator({ seed: 5, customers: 150, orders: ORDERS, now: NOW });
  allOrders = (
    await raw<{ items: OrderRow[] }>(
      "/rest/default/V1/orders?searchCriteria=&fields=items[entity_id,increment_id,status,grand_total,created_at,customer_email]",
    )
  ).items;
  allCustomers = (await raw<{ items: CustomerRow[] }>("/rest/default/V1/customers/search?searchCriteria=&fields=items[id,email,group_id]"))
    .items;
});

afterEach(() => {
  sim.control.clearFaults();
  sim.control.setReplayLastPage(false);
});

afterAll(async () => {
  await sim?.close();
});

describe("pagination", () => {
  it("has the store the tests expect", () => {
    expect(allOrders).toHaveLength(ORDERS);
    expect(new Set(allOrders.map((o) => o.entity_id)).size).toBe(ORDERS);
    expect(allCustomers.length).toBeGreaterThanOrEqual(150);
  });

  it.each([
    ["current Magento: items [] past the end", false],
    ["Magento < 2.4: the last page again past the end", true],
  ] as const)("searchAll yields every order exactly once with the fewest requests (%s)", async (_name, replay) => {
    sim.control.setReplayLastPage(replay);
    // 600 / 50: the count ends the walk on a full page 12.
    const even = await walkOrders({ pageSize: 50 });
    expect(even.ids).toHaveLength(ORDERS);
    expect(new Set(even.ids).size).toBe(ORDERS);
    expect([...even.ids].sort(byId)).toEqual(allOrders.map((o) => o.entity_id).sort(byId));
    expect(even.requests).toBe(12);
    expect(even.pages).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // 600 / 70: the short page 9 (40 orders) ends it.
    const uneven = await walkOrders({ pageSize: 70 });
    expect(new Set(uneven.ids).size).toBe(ORDERS);
    expect(uneven.requests).toBe(9);
  });

  it("sees items: [] past the end by default and the last page again in replay mode", async () => {
    const { client } = makeClient();
    const last = await client.searchOrders({ pageSize: 50, currentPage: 12 });
    expect(last.items).toHaveLength(50);
    const past = await client.searchOrders({ pageSize: 50, currentPage: 13 });
    expect(past.items).toEqual([]);
    expect(past.totalCount).toBe(ORDERS);

    sim.control.setReplayLastPage(true);
    const replayed = await client.searchOrders({ pageSize: 50, currentPage: 13 });
    expect(replayed.totalCount).toBe(ORDERS);
    expect(replayed.items.map((o) => o.entity_id)).toEqual(last.items.map((o) => o.entity_id));
    const farPast = await client.searchOrders({ pageSize: 50, currentPage: 40 });
    expect(farPast.items.map((o) => o.entity_id)).toEqual(last.items.map((o) => o.entity_id));
  });

  it("stops a walk that starts past the end after one request, in both modes", async () => {
    for (const replay of [false, true]) {
      sim.control.setReplayLastPage(replay);
      const walk = await walkOrders({ pageSize: 50, currentPage: 20 });
      expect(walk.requests).toBe(1);
      // Replay mode hands back page 12's orders once (they are new to this walk), never twice.
      expect(walk.ids).toHaveLength(replay ? 50 : 0);
    }
  });

  it("throws PaginationLimitError after maxPages pages", async () => {
    const { client, attempts } = makeClient();
    const seen: number[] = [];
    const error = await failure(
      (async () => {
        for await (const page of client.searchAll("orders", { pageSize: 50 }, { maxPages: 3 }))
          seen.push(...page.records.map((o) => o.entity_id!));
      })(),
    );
    expect(error).toBeInstanceOf(PaginationLimitError);
    expect(error.message).toContain("3 pages");
    expect(seen).toHaveLength(150);
    expect(attempts).toHaveLength(3);
  });
});

describe("filter groups and sorting", () => {
  it("ORs inside a group and ANDs across groups: status in (processing, complete) AND grand_total >= 100", async () => {
    const filterGroups: Filter[][] = [
      [
        { field: "status", conditionType: "eq", value: "processing" },
        { field: "status", conditionType: "eq", value: "complete" },
      ],
      [{ field: "grand_total", conditionType: "gteq", value: 100 }],
    ];
    const expected = allOrders
      .filter((o) => ["processing", "complete"].includes(o.status) && o.grand_total >= 100)
      .map((o) => o.entity_id)
      .sort(byId);
    expect(expected.length).toBeGreaterThan(50);
    expect(expected.length).toBeLessThan(ORDERS);
    const walk = await walkOrders({ pageSize: 50, filterGroups });
    expect([...walk.ids].sort(byId)).toEqual(expected);
    expect(walk.requests).toBe(Math.ceil(expected.length / 50));
    // The same with one `in` filter.
    const viaIn = await walkOrders({
      pageSize: 100,
      filterGroups: [[{ field: "status", conditionType: "in", value: ["processing", "complete"] }], filterGroups[1]!],
    });
    expect([...viaIn.ids].sort(byId)).toEqual(expected);
  });

  it("matches customers by email like '%@example.com' OR '%@example.de', AND group_id = 1", async () => {
    const { client } = makeClient();
    const emails = [likeRegex("%@example.com"), likeRegex("%@example.de")];
    const expected = allCustomers
      .filter((c) => emails.some((re) => re.test(c.email)) && c.group_id === 1)
      .map((c) => c.id)
      .sort(byId);
    expect(expected.length).toBeGreaterThan(0);
    const ids: number[] = [];
    for await (const page of client.searchAll("customers", {
      pageSize: 20,
      filterGroups: [
        [
          { field: "email", conditionType: "like", value: "%@example.com" },
          { field: "email", conditionType: "like", value: "%@example.de" },
        ],
        [{ field: "group_id", value: 1 }],
      ],
      // The filter is what is tested: a record the client's schema refuses (a region-less address)
      // is still a match, reported in `invalid` with its id.
    }))
      ids.push(...page.records.map((c) => c.id!), ...page.invalid.map((r) => Number(r.id)));
    expect(ids.sort(byId)).toEqual(expected);
    // like '%@example.com' alone: mail.example.com addresses do not match.
    const only = await client.searchCustomers({
      pageSize: 300,
      filterGroups: [[{ field: "email", conditionType: "like", value: "%@example.com" }]],
    });
    const matched = [...only.items.map((c) => c.id!), ...only.invalid.map((r) => Number(r.id))];
    expect(matched.sort(byId)).toEqual(
      allCustomers
        .filter((c) => emails[0]!.test(c.email))
        .map((c) => c.id)
        .sort(byId),
    );
  });

  it("selects a created_at range with from/to, both ends included", async () => {
    const dates = [...new Set(allOrders.map((o) => o.created_at))].sort();
    const from = dates[Math.floor(dates.length * 0.3)]!;
    const to = dates[Math.floor(dates.length * 0.6)]!;
    const expected = allOrders
      .filter((o) => o.created_at >= from && o.created_at <= to)
      .map((o) => o.entity_id)
      .sort(byId);
    const walk = await walkOrders({
      pageSize: 100,
      filterGroups: [
        [{ field: "created_at", conditionType: "from", value: from }],
        [{ field: "created_at", conditionType: "to", value: to }],
      ],
    });
    expect([...walk.ids].sort(byId)).toEqual(expected);
    expect(walk.records.some((o) => o.created_at!.getTime() === Date.parse(`${from.replace(" ", "T")}Z`))).toBe(true);
    expect(walk.records.some((o) => o.created_at!.getTime() === Date.parse(`${to.replace(" ", "T")}Z`))).toBe(true);
    // The same range as Date objects (sent as UTC "YYYY-MM-DD HH:MM:SS").
    const asDates = await walkOrders({
      pageSize: 100,
      filterGroups: [
        [{ field: "created_at", conditionType: "from", value: new Date(`${from.replace(" ", "T")}Z`) }],
        [{ field: "created_at", conditionType: "to", value: new Date(`${to.replace(" ", "T")}Z`) }],
      ],
    });
    expect([...asDates.ids].sort(byId)).toEqual(expected);
  });

  it.each(["ASC", "DESC"] as const)("sorts by created_at %s then entity_id across pages like a local sort", async (direction) => {
    const sortOrders: SortOrder[] = [
      { field: "created_at", direction },
      { field: "entity_id", direction },
    ];
    const sign = direction === "ASC" ? 1 : -1;
    const expected = [...allOrders]
      .sort((a, b) => sign * (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.entity_id - b.entity_id))
      .map((o) => o.entity_id);
    const walk = await walkOrders({ pageSize: 70, sortOrders });
    expect(walk.ids).toEqual(expected);
  });

  it("sorts on a column with ties (status) and breaks them with entity_id", async () => {
    const statusThenId = (direction: 1 | -1, idDirection: 1 | -1) => (a: OrderRow, b: OrderRow) =>
      a.status < b.status ? -direction : a.status > b.status ? direction : idDirection * (a.entity_id - b.entity_id);
    expect(new Set(allOrders.map((o) => o.status)).size).toBeLessThan(20);
    const explicit = await walkOrders({
      pageSize: 70,
      sortOrders: [
        { field: "status", direction: "ASC" },
        { field: "entity_id", direction: "DESC" },
      ],
    });
    expect(explicit.ids).toEqual([...allOrders].sort(statusThenId(1, -1)).map((o) => o.entity_id));
    // Only status given: searchAll adds entity_id ASC so pages neither overlap nor skip.
    const added = await walkOrders({ pageSize: 70, sortOrders: [{ field: "status", direction: "DESC" }] });
    expect(added.ids).toEqual([...allOrders].sort(statusThenId(-1, 1)).map((o) => o.entity_id));
  });
});

describe("retries and giving up", () => {
  const orderId = () => allOrders[7]!.entity_id;

  it("retries two 500s and succeeds on the third attempt", async () => {
    sim.control.addFaults({ path: "/V1/orders/", status: 500, times: 2 });
    const { client, attempts } = makeClient();
    const order = await client.getOrder(orderId());
    expect(order.entity_id).toBe(orderId());
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
  });

  it("waits for Retry-After: 1 after a 429, then succeeds", async () => {
    sim.control.addFaults({ path: "/V1/orders/", status: 429, retryAfter: 1, times: 1 });
    const { client, attempts, exchanges } = makeClient();
    await client.getOrder(orderId());
    expect(attempts.map((a) => a.status)).toEqual([429, 200]);
    expect(exchanges[0]!.responseHeaders?.get("retry-after")).toBe("1");
    expect(exchanges[1]!.startedAt - exchanges[0]!.endedAt).toBeGreaterThanOrEqual(900);
    // The simulator saw the two requests about a second apart too.
    const log = sim.control.requests(2).log;
    expect(log.map((entry) => entry.status)).toEqual([429, 200]);
    expect(Date.parse(log[1]!.at) - log[1]!.durationMs - Date.parse(log[0]!.at)).toBeGreaterThanOrEqual(900);
  });

  it("times out a request that gets no answer, retries it and succeeds", async () => {
    sim.control.addFaults({ path: "/V1/orders/", hang: true, times: 1 });
    const { client, attempts } = makeClient({ timeoutMs: 300 });
    const started = Date.now();
    const order = await client.getOrder(orderId());
    expect(order.entity_id).toBe(orderId());
    expect(attempts.map((a) => [a.attempt, a.status, a.failure ?? null])).toEqual([
      [1, null, "timeout"],
      [2, 200, null],
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it("gives up on a persistent 503 with an error naming the path, the attempts and the status, without the token", async () => {
    sim.control.addFaults({ path: "/V1/orders/", status: 503 });
    const { client, attempts } = makeClient({ maxRetries: 2 });
    const error = await failure(client.getOrder(orderId()));
    expect(error).toBeInstanceOf(MagentoHttpError);
    expect((error as MagentoHttpError).status).toBe(503);
    expect((error as MagentoHttpError).attempts).toBe(3);
    expect(error.message).toBe(`Magento answered 503: Service Unavailable [GET /rest/default/V1/orders/${orderId()} (after 3 attempts)]`);
    expect(attempts).toHaveLength(3);
    expect(JSON.stringify({ message: error.message, stack: error.stack, body: (error as MagentoHttpError).body })).not.toContain(
      sim.adminToken,
    );
  });

  it("gives up on a request that never gets an answer, naming the timeout", async () => {
    sim.control.addFaults({ path: "/V1/orders/", hang: true });
    const { client, attempts } = makeClient({ timeoutMs: 150, maxRetries: 1 });
    const error = await failure(client.getOrder(orderId()));
    expect(error.message).toBe(
      `Could not reach Magento: no answer within 150 ms [GET /rest/default/V1/orders/${orderId()} (after 2 attempts)]`,
    );
    expect(attempts.map((a) => a.failure)).toEqual(["timeout", "timeout"]);
  });

  it("does not retry a 400 or a 404", async () => {
    sim.control.addFaults({ path: "/V1/orders/", status: 400, message: "Bad request from the fault" });
    const bad = makeClient();
    const error400 = await failure(bad.client.getOrder(orderId()));
    expect(error400).toBeInstanceOf(MagentoHttpError);
    expect(error400.message).toBe(`Magento answered 400: Bad request from the fault [GET /rest/default/V1/orders/${orderId()}]`);
    expect(bad.attempts).toHaveLength(1);
    sim.control.clearFaults();

    const missing = makeClient();
    const error404 = await failure(missing.client.getOrder(999_999));
    expect(error404).toBeInstanceOf(MagentoNotFoundError);
    expect(error404.message).toBe(
      "Magento found nothing (404): The entity that was requested doesn't exist. Verify the entity and try again. [GET /rest/default/V1/orders/999999]",
    );
    expect(missing.attempts).toHaveLength(1);
  });

  it("retries a 500 on a search page in the middle of a walk without losing or repeating records", async () => {
    sim.control.addFaults({ path: "currentPage]=3", status: 500, times: 1 });
    const { client, attempts } = makeClient();
    const ids: number[] = [];
    for await (const page of client.searchAll("orders", { pageSize: 100 })) ids.push(...page.records.map((o) => o.entity_id!));
    expect(new Set(ids).size).toBe(ORDERS);
    expect(ids).toHaveLength(ORDERS);
    expect(attempts.map((a) => a.status)).toEqual([200, 200, 500, 200, 200, 200, 200]);
  });
});

describe("authentication", () => {
  const path = () => `/rest/default/V1/orders/${allOrders[0]!.entity_id}`;

  it("a wrong bearer token: MagentoAuthError (401), readable, one attempt, token not echoed", async () => {
    const token = "wrong-token-abcdef123456";
    const { client, attempts } = makeClient({ auth: { type: "bearer", token } });
    const error = await failure(client.getOrder(allOrders[0]!.entity_id));
    expect(error).toBeInstanceOf(MagentoAuthError);
    expect((error as MagentoAuthError).status).toBe(401);
    expect(error.message).toBe(
      `Magento refused the credentials (401): The consumer isn't authorized to access Magento_Sales::actions_view. [GET ${path()}]`,
    );
    expect(attempts).toHaveLength(1);
    expect(error.message).not.toContain(token);
  });

  it("an expired admin token: 401 after it worked", async () => {
    const token = await requestAdminToken({ baseUrl: sim.baseUrl, requestsPerSecond: null }, sim.admin);
    const { client, attempts } = makeClient({ auth: { type: "bearer", token } });
    await client.getOrder(allOrders[0]!.entity_id);
    sim.control.expireAdminTokens();
    await expect(client.getOrder(allOrders[0]!.entity_id)).rejects.toBeInstanceOf(MagentoAuthError);
    expect(attempts.map((a) => a.status)).toEqual([200, 401]);
  });

  it("OAuth 1.0a with the integration's credentials works for reads and searches", async () => {
    const { client, exchanges } = makeClient({ auth: { type: "oauth1", ...sim.integration } });
    const order = await client.getOrder(allOrders[0]!.entity_id);
    expect(order.entity_id).toBe(allOrders[0]!.entity_id);
    const page = await client.searchCustomers({
      pageSize: 10,
      filterGroups: [[{ field: "email", conditionType: "like", value: "%@example.com" }]],
      sortOrders: [{ field: "created_at", direction: "DESC" }],
    });
    expect(page.items.length).toBeGreaterThan(0);
    const walk: number[] = [];
    for await (const p of client.searchAll("orders", { pageSize: 200 })) walk.push(...p.records.map((o) => o.entity_id!));
    expect(walk).toHaveLength(ORDERS);
    const authorization = exchanges[0]!.requestHeaders.get("authorization")!;
    expect(authorization).toMatch(/^OAuth .*oauth_signature_method="HMAC-SHA256"/);
    expect(authorization).not.toContain(sim.integration.consumerSecret);
    expect(authorization).not.toContain(sim.integration.accessTokenSecret);
  });

  it("OAuth 1.0a with a wrong consumer secret: 401, one attempt, no secret in the message", async () => {
    const consumerSecret = "definitely-not-the-secret";
    const { client, attempts } = makeClient({ auth: { type: "oauth1", ...sim.integration, consumerSecret } });
    const error = await failure(client.getOrder(allOrders[0]!.entity_id));
    expect(error).toBeInstanceOf(MagentoAuthError);
    expect((error as MagentoAuthError).status).toBe(401);
    expect(error.message).toContain(`[GET ${path()}]`);
    expect(attempts).toHaveLength(1);
    for (const secret of [consumerSecret, sim.integration.accessToken, sim.integration.accessTokenSecret, sim.integration.consumerKey]) {
      expect(error.message).not.toContain(secret);
    }
  });
});

describe("malformed answers", () => {
  const firstPage = async () => (await makeClient().client.searchOrders({ pageSize: 50 })).items.map((o) => o.entity_id!);

  // The official schema types grand_total as a JSON number (README fact 9): a string amount is
  // reported, never guessed at.
  it("reports a record whose grand_total is a string (index 2) and keeps the other 49 of its page", async () => {
    const clean = await firstPage();
    sim.control.addFaults({ path: "/V1/orders?", malformed: { field: "grand_total", mode: "string", index: 2 }, times: 1 });
    const { client } = makeClient();
    const page = await client.searchOrders({ pageSize: 50 });
    expect(
      page.invalid.map((r) => ({ index: r.index, id: r.id, paths: r.issues.map((i) => i.path) })),
      "money sent as a JSON string must be reported",
    ).toEqual([{ index: 2, id: clean[2], paths: ["items[2].grand_total"] }]);
    expect(page.items.map((o) => o.entity_id)).toEqual(clean.filter((_, i) => i !== 2));
  });

  it.each(["null", "delete"] as const)(
    "reports a record whose grand_total is %s (index 2) and keeps the other 49 of its page",
    async (mode) => {
      const clean = await firstPage();
      sim.control.addFaults({ path: "/V1/orders?", malformed: { field: "grand_total", mode, index: 2 }, times: 1 });
      const { client } = makeClient();
      const page = await client.searchOrders({ pageSize: 50 });
      expect(page.items).toHaveLength(49);
      expect(page.items.map((o) => o.entity_id)).toEqual(clean.filter((_, i) => i !== 2));
      expect(page.totalCount).toBe(ORDERS);
      expect(page.invalid).toHaveLength(1);
      expect(page.invalid[0]).toMatchObject({ index: 2, id: clean[2], issues: [{ path: "items[2].grand_total" }] });
    },
  );

  it("a walk over a page with a malformed record reports it once and still yields everything else", async () => {
    sim.control.addFaults({ path: "currentPage]=2", malformed: { field: "grand_total", mode: "null", index: 5 }, times: 1 });
    const { client, attempts } = makeClient();
    const ids: number[] = [];
    const invalid: { id: unknown; path: string }[] = [];
    for await (const page of client.searchAll("orders", { pageSize: 100 })) {
      ids.push(...page.records.map((o) => o.entity_id!));
      invalid.push(...page.invalid.map((r) => ({ id: r.id, path: r.issues[0]!.path })));
    }
    expect(ids).toHaveLength(ORDERS - 1);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]!.path).toBe("items[5].grand_total");
    expect(new Set([...ids, invalid[0]!.id]).size).toBe(ORDERS);
    expect(attempts).toHaveLength(6);
  });

  it("a page whose body is cut off (not JSON) is a clear MagentoResponseError", async () => {
    sim.control.addFaults({ path: "/V1/orders?", malformed: { mode: "invalid_json" }, times: 1 });
    const { client, attempts } = makeClient();
    const error = await failure(client.searchOrders({ pageSize: 50 }));
    expect(error).toBeInstanceOf(MagentoResponseError);
    expect(error).not.toBeInstanceOf(MagentoHttpError);
    expect(error.message).toMatch(/^Magento answered 200 with JSON that is cut off or malformed/);
    expect(error.message).toContain("[GET /rest/default/V1/orders]");
    expect(attempts).toHaveLength(1);
  });

  it("a single order with a broken field is a schema error naming the field", async () => {
    const id = allOrders[3]!.entity_id;
    sim.control.addFaults({ path: `/V1/orders/${id}`, malformed: { field: "grand_total", mode: "delete" }, times: 1 });
    const error = await failure(makeClient().client.getOrder(id));
    expect(error).toBeInstanceOf(MagentoResponseError);
    expect(error.message).toBe(
      `Magento sent an order that does not match the contract: grand_total: expected a JSON number, got undefined [GET /rest/default/V1/orders/${id}]`,
    );
  });
});

describe("limits as the simulator sees them", () => {
  it("keeps at most `concurrency` requests in flight and starts at most `requestsPerSecond`", async () => {
    sim.control.addFaults({ path: "/V1/orders/", latencyMs: 150 });
    sim.control.clearRequests();
    const { client } = makeClient({ concurrency: 2, requestsPerSecond: 10 });
    const ids = allOrders.slice(0, 8).map((o) => o.entity_id);
    const started = Date.now();
    await Promise.all(ids.map((id) => client.getOrder(id)));
    const log = sim.control.requests().log.filter((entry) => entry.route === "GET /V1/orders/:id");
    expect(log).toHaveLength(8);
    const spans = log.map((entry) => ({ start: Date.parse(entry.at) - entry.durationMs, end: Date.parse(entry.at) }));
    const overlapAt = (t: number) => spans.filter((s) => s.start <= t && t < s.end).length;
    expect(Math.max(...spans.map((s) => overlapAt(s.start)))).toBeLessThanOrEqual(2);
    const starts = spans.map((s) => s.start).sort((a, b) => a - b);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(80);
    // 8 requests of 150 ms, two at a time: at least 4 × 150 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(590);
  });
});

describe("placing an order whose answer is lost", () => {
  it("times out once (never retried), the order exists, findOrdersByQuote finds it, a second place is refused with 404", async () => {
    const cart = [...sim.store.carts.values()].find((c) => c.isActive && c.items.length > 0 && c.customerId !== null)!;
    for (const item of cart.items) sim.store.products.find((p) => p.sku === item.sku)!.qty += 100;
    const { client, attempts } = makeClient({ timeoutMs: 300 });
    const us = await client.getCountry("US");
    const address = {
      firstname: "Ada",
      lastname: "Stone",
      street: ["3 Pier Road"],
      city: "Albany",
      postcode: "12207",
      country_id: "US",
      region_id: Number(us.available_regions![0]!.id),
      region_code: us.available_regions![0]!.code,
      region: us.available_regions![0]!.name,
      telephone: "555-0101",
      email: "ada@example.com",
    };
    await client.setShippingInformation(cart.id, {
      shipping_address: address,
      shipping_carrier_code: "flatrate",
      shipping_method_code: "flatrate",
    });
    expect(await client.findOrdersByQuote(cart.id)).toEqual([]);
    sim.control.addFaults({ path: `/V1/carts/${cart.id}/order`, method: "PUT", loseAnswer: true, times: 1 });
    attempts.length = 0;
    const error = await failure(client.placeOrder(cart.id, { method: "checkmo" }));
    expect(error.message).toMatch(/no answer within 300 ms/);
    expect(attempts.filter((a) => a.path.endsWith("/order"))).toHaveLength(1);
    const placed = [...sim.store.orders.values()].filter((o) => o.quoteId === cart.id);
    expect(placed).toHaveLength(1);
    expect(await client.findOrdersByQuote(cart.id)).toEqual([{ entityId: placed[0]!.entityId, incrementId: placed[0]!.incrementId }]);
    expect(await failure(client.placeOrder(cart.id, { method: "checkmo" }))).toBeInstanceOf(MagentoNotFoundError);
    expect([...sim.store.orders.values()].filter((o) => o.quoteId === cart.id)).toHaveLength(1);
  });
});
