import { BlockedAddressError, lookupAll, privateUrlsAllowed, resolvePublicAddresses, type LookupAll } from "./address-policy";
import {
  describeMagentoError,
  MagentoAuthError,
  MagentoBlockedAddressError,
  MagentoConfigError,
  MagentoHttpError,
  MagentoNetworkError,
  MagentoNotFoundError,
  MagentoResponseError,
  parseMagentoErrorBody,
  type MagentoError,
  type NetworkFailure,
  type RequestContext,
} from "./errors";
import { createGuardedFetch, type HttpFetch } from "./guarded-fetch";
import { AdaptiveLimiter, type Clock, realClock, realSleep, type RequestBudget, type Sleep, TokenBucket } from "./limits";
import { oauth1Nonce, signOAuth1Request, type OAuth1Credentials } from "./oauth1";
import { backoffDelay, type BackoffOptions, DEFAULT_BACKOFF, isRetryableStatus, parseRetryAfter } from "./retry";
import { checkStoreCode, encodeQuery, normaliseBaseUrl } from "./url";

// The transport: one JSON request to `<base>/rest/<store>/V1/...` with auth, a timeout per
// attempt, retries with backoff, and the client's limits (an adaptive budget of requests in
// flight, limits.ts, and a requests-per-second cap). It turns every
// failure into one of the typed errors in ./errors. It knows nothing about entities.

export type MagentoAuth =
  | { type: "bearer"; token: string }
  | ({ type: "oauth1" } & OAuth1Credentials)
  /** Only for the admin-token request itself. */
  | { type: "none" };

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** One attempt, reported to `onRequest` (e.g. for a bench of the client's own overhead). */
export interface RequestTiming {
  method: HttpMethod;
  /** URL path without the query, e.g. "/rest/default/V1/orders". */
  path: string;
  /** HTTP status, or null when no answer came (network error, timeout). */
  status: number | null;
  /** Time of this attempt from sending to having read the body. */
  ms: number;
  /** 1 for the first try. */
  attempt: number;
  /** Why the attempt got no answer, when it did not. */
  failure?: NetworkFailure;
}

export interface TransportOptions {
  /** The store's root URL ("https://shop.example.com"), with or without a trailing slash. */
  baseUrl: string;
  /** Store code in the path; "default" unless the channel says otherwise. */
  storeCode?: string;
  auth: MagentoAuth;
  /** Per attempt, including reading the body. Default 30 s. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  maxRetries?: number;
  /** Overall limit for one call including all retries and waits. Default 120 s. */
  deadlineMs?: number;
  /**
   * The most requests in flight at once (the channel's "requests in flight"). The budget starts
   * here, halves when Magento answers 429/503 or slows down sharply, and grows back by itself
   * (AdaptiveLimiter in limits.ts). Default 4.
   */
  concurrency?: number;
  /** Requests started per second (token bucket); null for no limit. Default 10. */
  requestsPerSecond?: number | null;
  /** Requests that may start at once after a quiet spell. Default 1. */
  burst?: number;
  backoff?: Partial<BackoffOptions>;
  /**
   * Whether the base URL may reach loopback, link-local and private addresses. Default: the
   * MAGENTO_ALLOW_PRIVATE_URLS variable (address-policy.ts). Checked at every request.
   */
  allowPrivateAddresses?: boolean;
  /**
   * Replaces the built-in HTTP client (tests, the bench's replay). With one, the host is resolved
   * and checked before each request (`lookup`), but the connection is the given fetch's own.
   */
  fetch?: HttpFetch;
  /** Resolver for that check (tests). */
  lookup?: LookupAll;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
  /** OAuth nonce source (tests pin it). */
  nonce?: () => string;
  onRequest?: (timing: RequestTiming) => void;
}

export interface RestRequest {
  method: HttpMethod;
  /** Route path from "/V1/…", with path segments already encoded. */
  path: string;
  /** Decoded query parameters, in order. */
  query?: readonly (readonly [string, string])[];
  body?: unknown;
  /**
   * Whether repeating the request after an unclear failure (timeout, dropped connection, 5xx)
   * is harmless. Default: true for GET/PUT/DELETE, false for POST. A request that is not
   * idempotent is retried only when it surely did not reach Magento (DNS, refused, 429).
   */
  idempotent?: boolean;
}

export interface RestResponse {
  status: number;
  body: unknown;
  /** The call it answers (for errors raised while reading the body). */
  context: RequestContext;
}

type Outcome =
  | { kind: "response"; status: number; statusText: string; headers: Headers; text: string }
  | { kind: "network"; failure: NetworkFailure; description: string; cause: unknown }
  /** The address policy refused the host: nothing was sent, and retrying cannot help. */
  | { kind: "blocked"; error: BlockedAddressError };

const NETWORK_CODES: Record<string, [NetworkFailure, string]> = {
  ENOTFOUND: ["dns", "the host name could not be resolved (DNS)"],
  EAI_AGAIN: ["dns", "the host name could not be resolved right now (DNS)"],
  ECONNREFUSED: ["refused", "the connection was refused (nothing listening at that address)"],
  ECONNRESET: ["reset", "the connection was closed before the answer arrived"],
  EPIPE: ["reset", "the connection was closed while sending"],
  UND_ERR_SOCKET: ["reset", "the connection was closed before the answer arrived"],
  UND_ERR_CONNECT_TIMEOUT: ["timeout", "connecting timed out"],
  ETIMEDOUT: ["timeout", "connecting timed out"],
  EHOSTUNREACH: ["network", "the host is unreachable"],
  ENETUNREACH: ["network", "the network is unreachable"],
};

/** Failures that happen before Magento sees the request, so any request may be repeated. */
const NOT_SENT: ReadonlySet<NetworkFailure> = new Set(["dns", "refused"]);

function blockedCause(error: unknown): BlockedAddressError | null {
  for (let current = error, depth = 0; current && typeof current === "object" && depth < 5; depth++) {
    if (current instanceof BlockedAddressError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && typeof current === "object" && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function classifyNetworkError(error: unknown): { failure: NetworkFailure; description: string } {
  const code = errorCode(error);
  if (code && NETWORK_CODES[code]) {
    const [failure, description] = NETWORK_CODES[code];
    return { failure, description: `${description} (${code})` };
  }
  if (code && /CERT|TLS|SSL/.test(code)) return { failure: "tls", description: `the TLS certificate was not accepted (${code})` };
  const message = error instanceof Error ? error.message : String(error);
  return { failure: "network", description: code ? `${message} (${code})` : message };
}

function looksLikeHtml(headers: Headers, text: string): boolean {
  return (headers.get("content-type") ?? "").includes("html") || /^\s*</.test(text);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === "") return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export class MagentoTransport {
  readonly baseUrl: string;
  readonly storeCode: string;
  private readonly options: TransportOptions;
  private readonly backoff: BackoffOptions;
  private readonly fetchImpl: HttpFetch;
  /** Set when a caller's fetch is used under the address policy: it cannot check at connect time. */
  private readonly precheck: LookupAll | null;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly slots: AdaptiveLimiter;
  private readonly bucket: TokenBucket | null;
  private readonly secrets: string[];

  constructor(options: TransportOptions) {
    this.options = options;
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.storeCode = checkStoreCode(options.storeCode ?? "default");
    this.secrets = MagentoTransport.checkAuth(options.auth);
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    const allowPrivate = options.allowPrivateAddresses ?? privateUrlsAllowed();
    this.fetchImpl = options.fetch ?? createGuardedFetch({ allowPrivate });
    this.precheck = options.fetch && !allowPrivate ? (options.lookup ?? lookupAll) : null;
    this.clock = options.clock ?? realClock;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.slots = new AdaptiveLimiter(options.concurrency ?? 4);
    const rate = options.requestsPerSecond === undefined ? 10 : options.requestsPerSecond;
    this.bucket = rate === null ? null : new TokenBucket(rate, options.burst ?? 1, this.clock, this.sleep);
    for (const [name, value] of [
      ["timeoutMs", options.timeoutMs],
      ["deadlineMs", options.deadlineMs],
    ] as const) {
      if (value !== undefined && !(value > 0)) throw new MagentoConfigError(`${name} must be above 0`);
    }
    const retries = options.maxRetries ?? 3;
    if (!Number.isInteger(retries) || retries < 0) throw new MagentoConfigError("maxRetries must be a whole number, 0 or more");
  }

  private static checkAuth(auth: MagentoAuth): string[] {
    if (auth.type === "bearer") {
      if (!auth.token) throw new MagentoConfigError("Magento bearer auth needs a token");
      return [auth.token];
    }
    if (auth.type === "oauth1") {
      const missing = (["consumerKey", "consumerSecret", "accessToken", "accessTokenSecret"] as const).filter((key) => !auth[key]);
      if (missing.length) throw new MagentoConfigError(`Magento OAuth 1.0a auth is missing ${missing.join(", ")}`);
      return [auth.consumerSecret, auth.accessToken, auth.accessTokenSecret, auth.consumerKey];
    }
    return [];
  }

  /** Requests in flight right now (for diagnostics). */
  get inFlight(): number {
    return this.slots.inFlight;
  }

  /** The in-flight budget now: in flight, current limit, the setting, the most seen at once, how often it was halved. */
  /** Waits until the requests of the last second are a second old (TokenBucket.settle); at once without a rate. */
  async settle(): Promise<void> {
    await this.bucket?.settle();
  }

  get budget(): RequestBudget {
    return this.slots.budget;
  }

  /** The URL path of a route: "/V1/orders" → "/rest/default/V1/orders" (under the base path). */
  restPath(path: string): string {
    return `${new URL(this.baseUrl).pathname.replace(/\/$/, "")}/rest/${this.storeCode}${path}`;
  }

  async request(request: RestRequest): Promise<RestResponse> {
    if (!request.path.startsWith("/V1/")) throw new MagentoConfigError(`route path must start with /V1/, got "${request.path}"`);
    const query = request.query?.length ? `?${encodeQuery(request.query)}` : "";
    const url = `${this.baseUrl}/rest/${this.storeCode}${request.path}${query}`;
    const path = this.restPath(request.path);
    const idempotent = request.idempotent ?? request.method !== "POST";
    const maxAttempts = (this.options.maxRetries ?? 3) + 1;
    const deadline = this.clock.now() + (this.options.deadlineMs ?? 120_000);

    for (let attempt = 1; ; attempt++) {
      const remaining = deadline - this.clock.now();
      const outcome = await this.attempt(request, url, path, attempt, Math.min(this.options.timeoutMs ?? 30_000, remaining));
      const context: RequestContext = { method: request.method, path, attempts: attempt };
      if (outcome.kind === "response" && outcome.status < 300) return this.success(outcome, context);
      if (outcome.kind === "blocked") throw this.failure(outcome, context);

      const retryable =
        outcome.kind === "network"
          ? idempotent || NOT_SENT.has(outcome.failure)
          : isRetryableStatus(outcome.status) && (idempotent || outcome.status === 429);
      if (!retryable || attempt >= maxAttempts) throw this.failure(outcome, context);

      const retryAfter = outcome.kind === "response" ? parseRetryAfter(outcome.headers.get("retry-after"), this.clock.now()) : null;
      const delay =
        retryAfter !== null ? Math.min(retryAfter, this.backoff.maxRetryAfterMs) : backoffDelay(attempt, this.backoff, this.random);
      if (this.clock.now() + delay >= deadline) {
        throw this.failure(outcome, context, `gave up: the next retry would pass the ${this.options.deadlineMs ?? 120_000} ms deadline`);
      }
      await this.sleep(delay);
    }
  }

  private async attempt(request: RestRequest, url: string, path: string, attempt: number, timeoutMs: number): Promise<Outcome> {
    const permit = await this.slots.acquire();
    let result: { status: number | null; latencyMs: number } | null = null;
    try {
      await this.bucket?.take();
      const started = this.clock.now();
      const outcome = await this.send(request, url, Math.max(1, timeoutMs));
      const status = outcome.kind === "response" ? outcome.status : null;
      result = { status, latencyMs: this.clock.now() - started };
      this.options.onRequest?.({
        method: request.method,
        path,
        status,
        ms: result.latencyMs,
        attempt,
        ...(outcome.kind === "network" ? { failure: outcome.failure } : {}),
      });
      return outcome;
    } finally {
      // The budget learns from the answer: 429/503 or a sharp slowdown halve it, a success grows it.
      permit.release(result);
    }
  }

  private async send(request: RestRequest, url: string, timeoutMs: number): Promise<Outcome> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      if (this.precheck) await resolvePublicAddresses(new URL(url).hostname, this.precheck);
      const headers: Record<string, string> = { Accept: "application/json" };
      const authorization = this.authorization(request.method, url);
      if (authorization) headers.Authorization = authorization;
      if (request.body !== undefined) headers["Content-Type"] = "application/json";
      const response = await this.fetchImpl(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: controller.signal,
        // A redirect (http → https, a moved store) is reported, not followed: a followed POST
        // would turn into a GET and the base URL should be fixed instead.
        redirect: "manual",
      });
      const text = await response.text();
      return { kind: "response", status: response.status, statusText: response.statusText, headers: response.headers, text };
    } catch (error) {
      const blocked = blockedCause(error);
      if (blocked) return { kind: "blocked", error: blocked };
      if (timedOut) return { kind: "network", failure: "timeout", description: `no answer within ${timeoutMs} ms`, cause: error };
      return { kind: "network", ...classifyNetworkError(error), cause: error };
    } finally {
      clearTimeout(timer);
    }
  }

  private authorization(method: HttpMethod, url: string): string | null {
    const { auth } = this.options;
    if (auth.type === "bearer") return `Bearer ${auth.token}`;
    if (auth.type === "none") return null;
    return signOAuth1Request({
      method,
      url,
      credentials: auth,
      nonce: (this.options.nonce ?? oauth1Nonce)(),
      timestamp: Math.floor(this.clock.now() / 1000),
    }).authorization;
  }

  private success(outcome: Extract<Outcome, { kind: "response" }>, context: RequestContext): RestResponse {
    const json = parseJson(outcome.text);
    if (json.ok) return { status: outcome.status, body: json.value, context };
    const html = looksLikeHtml(outcome.headers, outcome.text);
    const declaredJson = /json/i.test(outcome.headers.get("content-type") ?? "");
    const what = html ? "an HTML page" : outcome.text.trim() ? "text that is not JSON" : "an empty body";
    throw new MagentoResponseError(
      declaredJson && !html
        ? `Magento answered ${outcome.status} with JSON that is cut off or malformed (a proxy or a PHP error may have broken the response)`
        : `Magento answered ${outcome.status} with ${what}: not a Magento REST endpoint (check the base URL and store code)`,
      outcome.status,
      context,
    );
  }

  /** Removes any credential that an error text might echo. Very short values are skipped:
   * they are not real credentials and would mangle ordinary words. */
  private redact(text: string): string {
    return this.secrets.reduce((result, secret) => (secret.length >= 6 ? result.split(secret).join("[redacted]") : result), text);
  }

  private failure(outcome: Outcome, context: RequestContext, note?: string): MagentoError {
    const suffix = note ? ` (${note})` : "";
    if (outcome.kind === "blocked") return new MagentoBlockedAddressError(outcome.error, context);
    if (outcome.kind === "network") {
      return new MagentoNetworkError(outcome.failure, this.redact(outcome.description) + suffix, context, outcome.cause);
    }
    const { status } = outcome;
    if (status >= 300 && status < 400) {
      const location = outcome.headers.get("location");
      return new MagentoResponseError(
        `Magento redirected (${status})${location ? ` to ${location.split("?")[0]}` : ""}: use the final address as the base URL`,
        status,
        context,
      );
    }
    const json = parseJson(outcome.text);
    const errorBody = json.ok ? parseMagentoErrorBody(json.value) : null;
    const body = json.ok ? json.value : outcome.text;
    if (errorBody) {
      const message = this.redact(describeMagentoError(errorBody)) + suffix;
      if (status === 401) return new MagentoAuthError(message, body, context);
      if (status === 404) return new MagentoNotFoundError(message, body, context);
      return new MagentoHttpError(status, message, body, context);
    }
    const html = looksLikeHtml(outcome.headers, outcome.text);
    if (status === 404) {
      // Magento's own 404s (unknown route or entity) always carry its error body.
      return new MagentoResponseError(
        `Magento answered 404 with ${html ? "an HTML page" : json.ok ? "JSON that is not a Magento error" : "a non-JSON body"}: not a Magento REST endpoint (check the base URL and store code)`,
        status,
        context,
      );
    }
    const plain = `HTTP ${status}${outcome.statusText ? ` ${outcome.statusText}` : ""}${html ? " (an HTML page, not a Magento error body)" : ""}${suffix}`;
    if (status === 401) return new MagentoAuthError(plain, body, context);
    return new MagentoHttpError(status, plain, body, context);
  }
}
