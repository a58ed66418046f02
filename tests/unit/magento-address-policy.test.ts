import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BlockedAddressError, internalRange, privateUrlsAllowed } from "@/lib/magento/address-policy";
import { MagentoBlockedAddressError, MagentoResponseError } from "@/lib/magento/errors";
import { createGuardedFetch } from "@/lib/magento/guarded-fetch";
import { MagentoTransport } from "@/lib/magento/http";

// Which addresses a channel URL may reach (issue 17, item 2): the classifier, the variable that
// lifts the rule, and the client refusing before anything is sent, for IP literals, names that
// resolve to internal addresses, and redirects (never followed).

describe("internalRange: which addresses are internal", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.20", "private"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "shared (carrier-grade NAT)"],
    ["100.127.255.254", "shared (carrier-grade NAT)"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["febf:ffff::1", "link-local"],
    ["fc00::1", "unique local (private)"],
    ["fd12:3456:789a::1", "unique local (private)"],
    ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
    ["::ffff:7f00:1", "IPv4-mapped loopback"],
    ["::FFFF:10.0.0.1", "IPv4-mapped private"],
    ["::ffff:a9fe:a9fe", "IPv4-mapped link-local"],
    ["::ffff:0.0.0.0", "IPv4-mapped unspecified"],
    ["::127.0.0.1", "IPv4-compatible loopback"],
    ["64:ff9b::a00:1", "NAT64 private"],
    ["2002:c0a8:0101::1", "6to4 private"],
    ["not-an-address", "not an IP address"],
    ["1.2.3", "not an IP address"],
    ["1::2::3", "not an IP address"],
  ])("%s is %s", (address, range) => {
    expect(internalRange(address)).toBe(range);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "172.15.255.255",
    "172.32.0.1",
    "100.63.255.255",
    "100.128.0.1",
    "169.253.0.1",
    "192.169.0.1",
    "2606:4700:4700::1111",
    "2a00:1450:4007:80e::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:0808:0808::1",
    "fe7f::1",
    "fbff::1",
  ])("%s is public", (address) => {
    expect(internalRange(address)).toBeNull();
  });
});

describe("MAGENTO_ALLOW_PRIVATE_URLS", () => {
  it("lifts the rule only when set to 1 (or true)", () => {
    expect(privateUrlsAllowed({})).toBe(false);
    expect(privateUrlsAllowed({ MAGENTO_ALLOW_PRIVATE_URLS: "" })).toBe(false);
    expect(privateUrlsAllowed({ MAGENTO_ALLOW_PRIVATE_URLS: "0" })).toBe(false);
    expect(privateUrlsAllowed({ MAGENTO_ALLOW_PRIVATE_URLS: "yes please" })).toBe(false);
    expect(privateUrlsAllowed({ MAGENTO_ALLOW_PRIVATE_URLS: "1" })).toBe(true);
    expect(privateUrlsAllowed({ MAGENTO_ALLOW_PRIVATE_URLS: "true" })).toBe(true);
  });
});

describe("the transport refuses internal addresses before sending anything", () => {
  const auth = { type: "bearer", token: "a-token-that-must-stay-home" } as const;

  it("a name that resolves to a private address (checked with a given fetch): refused once, never retried, nothing sent", async () => {
    const fetch = vi.fn(async () => new Response("[]", { status: 200 }));
    const lookup = vi.fn(async () => [
      { address: "203.0.113.7", family: 4 },
      { address: "10.0.0.5", family: 4 },
    ]);
    const transport = new MagentoTransport({
      baseUrl: "https://shop.example.com",
      auth,
      allowPrivateAddresses: false,
      fetch,
      lookup,
      maxRetries: 3,
      sleep: async () => {},
    });
    const error = await transport.request({ method: "GET", path: "/V1/store/websites" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MagentoBlockedAddressError);
    expect((error as Error).message).toMatch(
      /^The Magento base URL \(shop\.example\.com\) points to a private or internal address; set MAGENTO_ALLOW_PRIVATE_URLS=1 to allow it/,
    );
    expect((error as MagentoBlockedAddressError).address).toBe("10.0.0.5");
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("a name with only public addresses goes ahead; allowed private addresses are not even looked up", async () => {
    const fetch = vi.fn(async () => new Response("[]", { status: 200 }));
    const lookup = vi.fn(async () => [{ address: "203.0.113.7", family: 4 }]);
    const guarded = new MagentoTransport({ baseUrl: "https://shop.example.com", auth, allowPrivateAddresses: false, fetch, lookup });
    await expect(guarded.request({ method: "GET", path: "/V1/store/websites" })).resolves.toMatchObject({ status: 200 });
    const open = new MagentoTransport({ baseUrl: "http://10.0.0.5", auth, allowPrivateAddresses: true, fetch, lookup });
    await expect(open.request({ method: "GET", path: "/V1/store/websites" })).resolves.toMatchObject({ status: 200 });
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});

describe("the built-in HTTP client against a real local server", () => {
  const servers: Server[] = [];
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

  async function serve(handler: (url: string, res: ServerResponse, headers: Record<string, string | string[] | undefined>) => void) {
    const seen = { connections: 0, requests: 0 };
    const server = createServer((req, res) => {
      seen.requests++;
      handler(req.url ?? "", res, req.headers);
    });
    server.on("connection", () => seen.connections++);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { port: (server.address() as AddressInfo).port, seen };
  }

  const ok = (_url: string, res: ServerResponse) => {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end("[]");
  };

  it.each([
    ["an IPv4 literal", (port: number) => `http://127.0.0.1:${port}/rest/V1/x`],
    ["an IPv4-mapped IPv6 literal", (port: number) => `http://[::ffff:127.0.0.1]:${port}/rest/V1/x`],
    ["a decimal IPv4", (port: number) => `http://2130706433:${port}/rest/V1/x`],
    ["a name that resolves to loopback", (port: number) => `http://localhost:${port}/rest/V1/x`],
  ])("%s: refused, the server never sees a connection", async (_what, url) => {
    const { port, seen } = await serve(ok);
    const refused = createGuardedFetch({ allowPrivate: false });
    const error = await refused(url(port), { method: "GET", headers: { Authorization: "Bearer secret" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(seen).toEqual({ connections: 0, requests: 0 });
    // The same request with the operator's permission reaches it (the address is the only reason).
    const allowed = createGuardedFetch({ allowPrivate: true });
    await expect(allowed(url(port), { method: "GET", headers: {} })).resolves.toMatchObject({ status: 200 });
  });

  it("through the transport the refusal is a MagentoBlockedAddressError, not a network failure to retry", async () => {
    const { port, seen } = await serve(ok);
    const transport = new MagentoTransport({
      baseUrl: `http://localhost:${port}`,
      auth: { type: "bearer", token: "tok-123456" },
      allowPrivateAddresses: false,
      maxRetries: 3,
      sleep: async () => {},
    });
    await expect(transport.request({ method: "GET", path: "/V1/store/websites" })).rejects.toBeInstanceOf(MagentoBlockedAddressError);
    expect(seen.connections).toBe(0);
  });

  it("a redirect is reported, not followed: the target gets nothing, not even the token", async () => {
    const target = await serve(ok);
    const redirect = await serve((_url, res) => {
      res.writeHead(302, { Location: `http://127.0.0.1:${target.port}/rest/default/V1/store/websites` });
      res.end();
    });
    const transport = new MagentoTransport({
      baseUrl: `http://127.0.0.1:${redirect.port}`,
      auth: { type: "bearer", token: "tok-123456" },
      allowPrivateAddresses: true,
      maxRetries: 0,
    });
    const error = await transport.request({ method: "GET", path: "/V1/store/websites" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MagentoResponseError);
    expect((error as Error).message).toMatch(/Magento redirected \(302\)/);
    expect(redirect.seen.requests).toBe(1);
    expect(target.seen).toEqual({ connections: 0, requests: 0 });
  });

  it("reads gzip-compressed answers (it asks for them, as fetch did)", async () => {
    const { port } = await serve((_url, res, headers) => {
      const body = JSON.stringify([{ id: 1, code: "base", name: "Main Website", default_group_id: 1 }]);
      if (String(headers["accept-encoding"] ?? "").includes("gzip")) {
        res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" });
        res.end(gzipSync(body));
      } else {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(body);
      }
    });
    const transport = new MagentoTransport({
      baseUrl: `http://127.0.0.1:${port}`,
      auth: { type: "bearer", token: "tok-123456" },
      allowPrivateAddresses: true,
    });
    const response = await transport.request({ method: "GET", path: "/V1/store/websites" });
    expect(response.body).toEqual([{ id: 1, code: "base", name: "Main Website", default_group_id: 1 }]);
  });
});
