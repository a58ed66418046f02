import { request as httpRequest, createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PEER_ADDRESS_HEADER, clientIp, trustedProxyHops } from "@/lib/auth/client-ip";
import { exposePeerAddress } from "@/lib/auth/peer-address";

// Which address the sign-in throttle and the audit log believe: the socket's peer unless the
// operator says how many proxies in front of the portal append to X-Forwarded-For.

const saved = process.env.TRUSTED_PROXY_HOPS;
afterEach(() => {
  if (saved === undefined) delete process.env.TRUSTED_PROXY_HOPS;
  else process.env.TRUSTED_PROXY_HOPS = saved;
});

/** A request as the portal's server sees it: the peer it was accepted from, plus what the client sent. */
const request = (peer: string | null, forwardedFor?: string) =>
  new Headers({
    ...(peer === null ? {} : { [PEER_ADDRESS_HEADER]: peer }),
    ...(forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor }),
  });

describe("clientIp with TRUSTED_PROXY_HOPS unset (0: clients connect to the portal directly)", () => {
  it("uses the socket's peer, whatever X-Forwarded-For a client makes up", () => {
    delete process.env.TRUSTED_PROXY_HOPS;
    const seen = new Set<string>();
    for (let n = 1; n <= 50; n++) seen.add(clientIp(request("198.51.100.7", `10.9.${n}.1, 192.0.2.${n}`)));
    expect([...seen]).toEqual(["198.51.100.7"]);
    expect(clientIp(request("198.51.100.7", "203.0.113.1"))).toBe("198.51.100.7");
    expect(clientIp(request("198.51.100.7"))).toBe("198.51.100.7");
  });

  it("ignores X-Real-IP too", () => {
    const headers = request("198.51.100.8");
    headers.set("x-real-ip", "203.0.113.99");
    expect(clientIp(headers)).toBe("198.51.100.8");
  });

  it("writes an IPv4 client seen on a dual-stack socket as IPv4", () => {
    expect(clientIp(request("::ffff:127.0.0.1"))).toBe("127.0.0.1");
    expect(clientIp(request("2001:db8::1"))).toBe("2001:db8::1");
  });
});

describe("clientIp behind proxies", () => {
  it("with 1 hop, takes the right-most X-Forwarded-For entry: the one the proxy appended", () => {
    process.env.TRUSTED_PROXY_HOPS = "1";
    expect(clientIp(request("10.0.0.2", "203.0.113.66, 198.51.100.20"))).toBe("198.51.100.20");
    // A client rotating the part it writes itself stays one address.
    const seen = new Set<string>();
    for (let n = 1; n <= 20; n++) seen.add(clientIp(request("10.0.0.2", `192.0.2.${n}, 198.51.100.20`)));
    expect([...seen]).toEqual(["198.51.100.20"]);
  });

  it("with 2 hops, takes the second entry from the right", () => {
    process.env.TRUSTED_PROXY_HOPS = "2";
    expect(clientIp(request("10.0.0.3", "6.6.6.6, 198.51.100.21, 10.0.0.9"))).toBe("198.51.100.21");
    expect(clientIp(request("10.0.0.3", " 198.51.100.22 ,10.0.0.9 "))).toBe("198.51.100.22");
  });

  it("falls back to the peer when the proxy sent no X-Forwarded-For, and never trusts garbage", () => {
    process.env.TRUSTED_PROXY_HOPS = "1";
    expect(clientIp(request("10.0.0.4"))).toBe("10.0.0.4");
    expect(clientIp(request("10.0.0.4", "not-an-address"))).toBe("unknown");
    expect(clientIp(request("10.0.0.4", "198.51.100.23:51234"))).toBe("198.51.100.23");
    expect(clientIp(request("10.0.0.4", "[2001:db8::7]:443"))).toBe("2001:db8::7");
  });

  it("reads TRUSTED_PROXY_HOPS as a small whole number, else 0", () => {
    for (const [value, hops] of [
      [undefined, 0],
      ["", 0],
      ["0", 0],
      ["1", 1],
      ["3", 3],
      ["-1", 0],
      ["1.5", 0],
      ["two", 0],
      ["99", 0],
    ] as const) {
      if (value === undefined) delete process.env.TRUSTED_PROXY_HOPS;
      else process.env.TRUSTED_PROXY_HOPS = value;
      expect(trustedProxyHops(), String(value)).toBe(hops);
    }
  });
});

describe("exposePeerAddress (installed by instrumentation.ts in the server process)", () => {
  it("gives every request the socket's address in the peer header, overwriting one a client sent", async () => {
    exposePeerAddress();
    exposePeerAddress(); // installing twice must not stack
    let seen: IncomingHttpHeaders | undefined;
    const server = createServer((req, res) => {
      seen = req.headers;
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(
          { host: "127.0.0.1", port, path: "/login", headers: { [PEER_ADDRESS_HEADER]: "203.0.113.5", "x-forwarded-for": "203.0.113.6" } },
          (res) => {
            res.resume();
            res.on("end", resolve);
          },
        );
        req.on("error", reject);
        req.end();
      });
      expect(seen?.[PEER_ADDRESS_HEADER]).toBe("127.0.0.1");
      expect(seen?.["x-forwarded-for"]).toBe("203.0.113.6");
      delete process.env.TRUSTED_PROXY_HOPS;
      expect(clientIp(new Headers(seen as Record<string, string>))).toBe("127.0.0.1");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
