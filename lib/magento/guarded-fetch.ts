import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { assertPublicAddresses, bareHost } from "./address-policy";

// The transport's HTTP requests, over node:http(s) rather than the global fetch, because only
// here can the client choose the address it connects to: the host name is resolved by the
// lookup below, which refuses internal addresses (address-policy.ts) and hands the socket the
// very addresses it checked, so a name that resolves differently a moment later (DNS rebinding)
// cannot slip an internal address past the check. It implements what the transport uses of
// fetch: method, headers, a string body, an abort signal, redirects never followed.

export type HttpRequestInit = {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  redirect?: "manual";
};

/** The part of a fetch Response the transport reads. */
export type HttpResponse = { status: number; statusText: string; headers: Headers; text(): Promise<string> };

/** The global fetch fits this too (tests pass recording or fake fetches). */
export type HttpFetch = (url: string, init: HttpRequestInit) => Promise<HttpResponse>;

/** Resolves like dns.lookup, then refuses the connection if any address is internal. */
const checkingLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 0);
    try {
      assertPublicAddresses(
        hostname,
        addresses.map((entry) => entry.address),
      );
    } catch (blocked) {
      return callback(blocked as NodeJS.ErrnoException, "", 0);
    }
    if ((options as LookupOptions).all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
    const [first] = addresses;
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
    callback(null, first.address, first.family);
  });
};

// Idle connections are closed after 4 s (or the server's shorter Keep-Alive hint), before a
// server would close them under a request.
const agentOptions = { keepAlive: true, timeout: 4_000 };
const agents = {
  guarded: { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) },
  open: { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) },
};

function decoded(response: IncomingMessage): NodeJS.ReadableStream {
  const encoding = (response.headers["content-encoding"] ?? "").trim().toLowerCase();
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? createGunzip()
      : encoding === "deflate"
        ? createInflate()
        : encoding === "br"
          ? createBrotliDecompress()
          : null;
  if (!decoder) return response;
  response.on("error", (error) => decoder.destroy(error));
  return response.pipe(decoder);
}

function headersOf(response: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = response.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      // A header value fetch would refuse: not one the transport reads.
    }
  }
  return headers;
}

/**
 * A fetch for the Magento transport. With `allowPrivate` false, a URL whose host is (or resolves
 * to) an internal address fails with BlockedAddressError before anything is sent.
 */
export function createGuardedFetch({ allowPrivate }: { allowPrivate: boolean }): HttpFetch {
  const pool = allowPrivate ? agents.open : agents.guarded;
  return (url, init) =>
    new Promise<HttpResponse>((resolvePromise, rejectPromise) => {
      const signal = init.signal;
      const target = new URL(url);
      const host = bareHost(target.hostname);
      // An IP literal is connected to without a lookup: it is checked here.
      if (!allowPrivate && isIP(host)) {
        try {
          assertPublicAddresses(host, [host]);
        } catch (error) {
          rejectPromise(error);
          return;
        }
      }
      if (signal?.aborted) {
        rejectPromise(signal.reason);
        return;
      }
      const secure = target.protocol === "https:";
      const body = init.body === undefined ? undefined : Buffer.from(init.body, "utf8");
      const request = (secure ? https : http).request(
        target,
        {
          method: init.method,
          headers: {
            "User-Agent": "magento-sales-portal",
            "Accept-Encoding": "gzip, deflate, br",
            ...init.headers,
            ...(body ? { "Content-Length": String(body.length) } : {}),
          },
          agent: secure ? pool.https : pool.http,
          ...(allowPrivate ? {} : { lookup: checkingLookup }),
        },
        (response) => {
          const chunks: Buffer[] = [];
          const stream = decoded(response);
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("error", reject);
          response.on("close", () => {
            if (!response.complete)
              reject(Object.assign(new Error("the connection was closed before the answer arrived"), { code: "ECONNRESET" }));
          });
          stream.on("end", () => {
            // As fetch's text(): UTF-8, a byte order mark dropped.
            const text = Buffer.concat(chunks)
              .toString("utf8")
              .replace(/^\uFEFF/, "");
            resolve({
              status: response.statusCode ?? 0,
              statusText: response.statusMessage ?? "",
              headers: headersOf(response),
              text: async () => text,
            });
          });
        },
      );
      const onAbort = () => {
        request.destroy();
        reject(signal?.reason ?? new Error("aborted"));
      };
      const resolve = (response: HttpResponse) => {
        signal?.removeEventListener("abort", onAbort);
        resolvePromise(response);
      };
      const reject = (error: unknown) => {
        signal?.removeEventListener("abort", onAbort);
        rejectPromise(error);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      request.on("error", reject);
      request.end(body);
    });
}
