import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  MagentoAuthError,
  MagentoConfigError,
  MagentoHttpError,
  MagentoNetworkError,
  MagentoNotFoundError,
  MagentoResponseError,
} from "@/lib/magento/errors";
import { MagentoTransport, type RequestTiming, type TransportOptions } from "@/lib/magento/http";
import { parseRetryAfter } from "@/lib/magento/retry";

// The transport against a real local HTTP server: retries and backoff, Retry-After, no retry on
// other 4xx, timeouts, error mapping, auth headers and base URLs.

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const servers: Server[] = [];

async function startServer(handler: Handler): Promise<{ baseUrl: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => handler(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, hits: () => hits };
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise((resolve) => {
          s.closeAllConnections();
          s.close(resolve);
        }),
    ),
  );
});

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

/** A transport with instant, recorded waits (the server is real; only sleeping is faked). */
function transport(baseUrl: string, overrides: Partial<TransportOptions> = {}) {
  const delays: number[] = [];
  const timings: RequestTiming[] = [];
  const client = new MagentoTransport({
    baseUrl,
    auth: { type: "bearer", token: "secret-token-xyz" },
    requestsPerSecond: null,
    maxRetries: 2,
    timeoutMs: 2000,
    backoff: { baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 },
    random: () => 1,
    sleep: async (ms) => {
      delays.push(ms);
    },
    onRequest: (timing) => timings.push(timing),
    ...overrides,
  });
  return { client, delays, timings };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the request to fail");
}

describe("retries", () => {
  it("retries 5xx with exponential backoff and full jitter, then succeeds", async () => {
    let calls = 0;
    const server = await startServer((_req, res) => (++calls < 3 ? json(res, 503, { message: "busy" }) : json(res, 200, { ok: true })));
    const { client, delays, timings } = transport(server.baseUrl);
    const response = await client.request({ method: "GET", path: "/V1/orders/1" });
    expect(response.body).toEqual({ ok: true });
    expect(server.hits()).toBe(3);
    expect(delays).toEqual([100, 200]);
    expect(timings.map((t) => [t.attempt, t.status, t.path])).toEqual([
      [1, 503, "/rest/default/V1/orders/1"],
      [2, 503, "/rest/default/V1/orders/1"],
      [3, 200, "/rest/default/V1/orders/1"],
    ]);
    expect(timings.every((t) => t.ms >= 0 && t.method === "GET")).toBe(true);
  });

  it("draws the jittered wait between 0 and the cap", async () => {
    const server = await startServer((_req, res) =>
      json(res, 500, { message: "Internal Error. Details are available in Magento log file. Report ID: webapi-1" }),
    );
    const { client, delays } = transport(server.baseUrl, { random: () => 0.5, maxRetries: 4 });
    const error = await failure(client.request({ method: "GET", path: "/V1/orders/1" }));
    expect(delays).toEqual([50, 100, 200, 400]);
    expect(error).toBeInstanceOf(MagentoHttpError);
    expect(error.message).toBe(
      "Magento answered 500: Internal Error. Details are available in Magento log file. Report ID: webapi-1 [GET /rest/default/V1/orders/1 (after 5 attempts)]",
    );
  });

  it("honours Retry-After in seconds and caps it", async () => {
    let calls = 0;
    const server = await startServer((_req, res) => {
      calls++;
      if (calls === 1) return json(res, 429, { message: "Too many" }, { "Retry-After": "2" });
      if (calls === 2) return json(res, 503, { message: "later" }, { "Retry-After": "3600" });
      json(res, 200, "done");
    });
    const { client, delays } = transport(server.baseUrl);
    await expect(client.request({ method: "GET", path: "/V1/orders/1" })).resolves.toMatchObject({ body: "done" });
    expect(delays).toEqual([2000, 5000]);
  });

  it("honours Retry-After as an HTTP date", async () => {
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("2015-10-21T07:27:30Z"))).toBe(30_000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("2015-10-21T08:00:00Z"))).toBe(0);
    expect(parseRetryAfter("soon", 0)).toBeNull();
    let calls = 0;
    const server = await startServer((_req, res) =>
      ++calls === 1 ? json(res, 429, { message: "slow" }, { "Retry-After": new Date(Date.now() + 3000).toUTCString() }) : json(res, 200, 1),
    );
    const { client, delays } = transport(server.baseUrl);
    await client.request({ method: "GET", path: "/V1/orders/1" });
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(1000);
    expect(delays[0]).toBeLessThanOrEqual(3000);
  });

  it.each([
    [400, MagentoHttpError, 'Magento answered 400: "email" is required'],
    [401, MagentoAuthError, 'Magento refused the credentials (401): "email" is required'],
    [404, MagentoNotFoundError, 'Magento found nothing (404): "email" is required'],
    [409, MagentoHttpError, 'Magento answered 409: "email" is required'],
  ])("does not retry %i", async (status, type, message) => {
    const server = await startServer((_req, res) => json(res, status, { message: '"%1" is required', parameters: ["email"] }));
    const { client, delays } = transport(server.baseUrl);
    const error = await failure(client.request({ method: "GET", path: "/V1/customers/1" }));
    expect(server.hits()).toBe(1);
    expect(delays).toEqual([]);
    expect(error).toBeInstanceOf(type);
    expect(error.message).toBe(`${message} [GET /rest/default/V1/customers/1]`);
    expect((error as MagentoHttpError).status).toBe(status);
  });

  it("times out slow attempts, retries them and names path, attempts and cause", async () => {
    const server = await startServer((_req, res) => setTimeout(() => json(res, 200, "late"), 1000));
    const { client, timings } = transport(server.baseUrl, { timeoutMs: 100 });
    const error = await failure(client.request({ method: "GET", path: "/V1/orders", query: [["searchCriteria[pageSize]", "1"]] }));
    expect(error).toBeInstanceOf(MagentoNetworkError);
    expect((error as MagentoNetworkError).reason).toBe("timeout");
    expect(error.message).toBe("Could not reach Magento: no answer within 100 ms [GET /rest/default/V1/orders (after 3 attempts)]");
    expect(timings.map((t) => [t.status, t.failure])).toEqual([
      [null, "timeout"],
      [null, "timeout"],
      [null, "timeout"],
    ]);
  });

  it("stops at the overall deadline", async () => {
    const server = await startServer((_req, res) => json(res, 503, { message: "down" }, { "Retry-After": "5" }));
    const { client } = transport(server.baseUrl, { deadlineMs: 1000, maxRetries: 10 });
    const error = await failure(client.request({ method: "GET", path: "/V1/orders/1" }));
    expect(server.hits()).toBe(1);
    expect(error.message).toContain("gave up: the next retry would pass the 1000 ms deadline");
  });

  it("does not repeat a POST after an unclear failure, but does after 429", async () => {
    const failing = await startServer((_req, res) => json(res, 500, { message: "boom" }));
    await failure(transport(failing.baseUrl).client.request({ method: "POST", path: "/V1/carts/1/items", body: {} }));
    expect(failing.hits()).toBe(1);
    let calls = 0;
    const limited = await startServer((_req, res) =>
      ++calls === 1 ? json(res, 429, { message: "slow" }) : json(res, 200, { item_id: 1 }),
    );
    await transport(limited.baseUrl).client.request({ method: "POST", path: "/V1/carts/1/items", body: {} });
    expect(limited.hits()).toBe(2);
  });

  it("retries a refused connection and reports it in plain words", async () => {
    const server = await startServer(() => undefined);
    const closed = servers.pop()!;
    await new Promise((resolve) => closed.close(resolve));
    const { client, timings } = transport(server.baseUrl);
    const error = await failure(client.request({ method: "POST", path: "/V1/carts/1/items", body: {} }));
    expect(error).toBeInstanceOf(MagentoNetworkError);
    expect((error as MagentoNetworkError).reason).toBe("refused");
    expect(error.message).toMatch(
      /^Could not reach Magento: the connection was refused .*ECONNREFUSED.* \[POST \/rest\/default\/V1\/carts\/1\/items \(after 3 attempts\)\]$/,
    );
    expect(timings).toHaveLength(3);
  });
});

describe("answers that are not Magento", () => {
  it("calls an HTML page 'not a Magento REST endpoint'", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<!doctype html><title>Shop</title>");
    });
    const error = await failure(transport(server.baseUrl).client.request({ method: "GET", path: "/V1/orders/1" }));
    expect(error).toBeInstanceOf(MagentoResponseError);
    expect(error.message).toContain("answered 200 with an HTML page: not a Magento REST endpoint");
  });

  it("calls an HTML 404 a wrong endpoint rather than a missing entity", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(404, { "Content-Type": "text/html" });
      res.end("<html>Not Found</html>");
    });
    const error = await failure(transport(server.baseUrl).client.request({ method: "GET", path: "/V1/orders/1" }));
    expect(error).toBeInstanceOf(MagentoResponseError);
    expect(error).not.toBeInstanceOf(MagentoNotFoundError);
    expect(error.message).toContain("not a Magento REST endpoint");
  });

  it("reports a redirect instead of following it", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(301, { Location: "https://shop.example.com/rest/default/V1/orders/1" });
      res.end();
    });
    const error = await failure(transport(server.baseUrl).client.request({ method: "GET", path: "/V1/orders/1" }));
    expect(error.message).toContain("Magento redirected (301) to https://shop.example.com/rest/default/V1/orders/1");
  });

  it("never puts the token in a message", async () => {
    const server = await startServer((req, res) =>
      json(res, 401, { message: "Token %1 is not valid", parameters: [req.headers.authorization?.slice(7)] }),
    );
    const error = await failure(transport(server.baseUrl).client.request({ method: "GET", path: "/V1/orders/1" }));
    expect(error).toBeInstanceOf(MagentoAuthError);
    expect(error.message).toBe("Magento refused the credentials (401): Token [redacted] is not valid [GET /rest/default/V1/orders/1]");
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain("secret-token-xyz");
  });
});

describe("requests", () => {
  it("sends the bearer token, JSON body and store code in the path", async () => {
    const seen: { url?: string; auth?: string; type?: string; body?: string; method?: string } = {};
    const server = await startServer((req, res, body) => {
      Object.assign(seen, { url: req.url, auth: req.headers.authorization, type: req.headers["content-type"], body, method: req.method });
      json(res, 200, 7);
    });
    const { client } = transport(`${server.baseUrl}/`, { storeCode: "fr_fr" });
    await client.request({ method: "PUT", path: "/V1/carts/3/order", body: { paymentMethod: { method: "checkmo" } } });
    expect(seen).toEqual({
      url: "/rest/fr_fr/V1/carts/3/order",
      auth: "Bearer secret-token-xyz",
      type: "application/json",
      body: '{"paymentMethod":{"method":"checkmo"}}',
      method: "PUT",
    });
  });

  it("signs OAuth 1.0a requests so that an independent verifier accepts them", async () => {
    let verified = false;
    let header = "";
    const server = await startServer((req, res) => {
      header = req.headers.authorization ?? "";
      const oauth = Object.fromEntries(
        [...header.replace(/^OAuth /, "").matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1]!, decodeURIComponent(m[2]!)]),
      );
      const url = new URL(req.url!, "http://127.0.0.1");
      const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
      const params = [...Object.entries(oauth).filter(([k]) => k !== "oauth_signature"), ...url.searchParams.entries()]
        .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
        .sort();
      const base = `${req.method}&${rfc3986(`http://${req.headers.host}${url.pathname}`)}&${rfc3986(params.join("&"))}`;
      const expected = createHmac("sha256", "consumer-secret&token-secret").update(base).digest("base64");
      verified = expected === oauth.oauth_signature && oauth.oauth_signature_method === "HMAC-SHA256" && oauth.oauth_version === "1.0";
      json(res, 200, { items: [], total_count: 0 });
    });
    const { client } = transport(server.baseUrl, {
      auth: { type: "oauth1", consumerKey: "ck", consumerSecret: "consumer-secret", accessToken: "tok", accessTokenSecret: "token-secret" },
      nonce: () => "fixed-nonce",
      clock: { now: () => 1_700_000_000_000 },
    });
    await client.request({
      method: "GET",
      path: "/V1/orders",
      query: [
        ["searchCriteria[filter_groups][0][filters][0][value]", "%ver%"],
        ["searchCriteria[pageSize]", "5"],
      ],
    });
    expect(verified).toBe(true);
    expect(header).toContain('oauth_nonce="fixed-nonce"');
    expect(header).toContain('oauth_timestamp="1700000000"');
    expect(header).not.toContain("consumer-secret");
  });

  it("accepts base URLs with or without a trailing slash and rejects others clearly", () => {
    const auth = { type: "bearer", token: "t" } as const;
    expect(new MagentoTransport({ baseUrl: "https://shop.example.com/", auth }).baseUrl).toBe("https://shop.example.com");
    expect(new MagentoTransport({ baseUrl: "https://example.com/shop", auth }).restPath("/V1/orders")).toBe("/shop/rest/default/V1/orders");
    expect(() => new MagentoTransport({ baseUrl: "ftp://shop.example.com", auth })).toThrow(MagentoConfigError);
    expect(() => new MagentoTransport({ baseUrl: "ftp://shop.example.com", auth })).toThrow(/http:\/\/ or https:\/\//);
    expect(() => new MagentoTransport({ baseUrl: "shop.example.com", auth })).toThrow(/not a URL/);
    expect(() => new MagentoTransport({ baseUrl: "https://shop.example.com/rest/default", auth })).toThrow(/without "\/rest/);
    expect(() => new MagentoTransport({ baseUrl: "https://shop.example.com", storeCode: "de/x", auth })).toThrow(/store code/);
    expect(() => new MagentoTransport({ baseUrl: "https://shop.example.com", auth: { type: "bearer", token: "" } })).toThrow(
      /needs a token/,
    );
  });
});
