// Who is calling: admin bearer tokens (4 h, from /V1/integration/admin/token), the fixed
// --token, the integration's access token used as a bearer, and OAuth 1.0a requests signed
// with HMAC-SHA256 (or -SHA1), verified here from scratch (RFC 5849 base string).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { MESSAGES, MagentoError } from "./errors";

export type Integration = { consumerKey: string; consumerSecret: string; accessToken: string; accessTokenSecret: string };
export type Caller = { kind: "admin" | "integration" | "oauth" };

export const ADMIN_TOKEN_TTL_SECONDS = 4 * 3600;
export const OAUTH_TIMESTAMP_WINDOW_SECONDS = 600;

/** RFC 3986 percent-encoding (unreserved characters stay as they are). */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return value;
  }
}

/** Parses `OAuth k="v", k2="v2"` (values percent-decoded). */
export function parseOAuthHeader(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const body = header.replace(/^OAuth\s+/i, "");
  const re = /([A-Za-z0-9_.-]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) out[m[1]!] = decodeComponent(m[2] ?? m[3] ?? "");
  return out;
}

/** The OAuth 1.0a signature base string: METHOD&enc(base URL)&enc(sorted, encoded params). */
export function signatureBaseString(method: string, baseUrl: string, params: [string, string][]): string {
  const normalized = params
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  return `${method.toUpperCase()}&${rfc3986(baseUrl)}&${rfc3986(normalized)}`;
}

export function oauthSignature(signatureMethod: string, base: string, consumerSecret: string, tokenSecret: string): string {
  const algorithm = signatureMethod === "HMAC-SHA1" ? "sha1" : "sha256";
  return createHmac(algorithm, `${rfc3986(consumerSecret)}&${rfc3986(tokenSecret)}`)
    .update(base)
    .digest("base64");
}

/** Scheme, host (lowercase, default port dropped) and path of a URL, as the base string wants it. */
export function normalizeBaseUrl(url: URL): string {
  const scheme = url.protocol.replace(":", "").toLowerCase();
  const defaultPort = (scheme === "http" && url.port === "80") || (scheme === "https" && url.port === "443");
  const host = url.hostname.toLowerCase() + (url.port && !defaultPort ? `:${url.port}` : "");
  return `${scheme}://${host}${url.pathname}`;
}

function queryPairs(rawQuery: string): [string, string][] {
  if (!rawQuery) return [];
  return rawQuery
    .split("&")
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf("=");
      return eq < 0 ? [decodeComponent(part), ""] : [decodeComponent(part.slice(0, eq)), decodeComponent(part.slice(eq + 1))];
    });
}

export type AuthOptions = {
  admin: { username: string; password: string };
  integration: Integration;
  /** Tokens that never expire (--token, the token printed at start). */
  fixedTokens: string[];
  /** oauth/consumer/enable_integration_as_bearer (default on, as the portal uses it). */
  integrationAsBearer: boolean;
};

export class Authenticator {
  private readonly adminTokens = new Map<string, number>();
  private readonly nonces = new Map<string, number>();

  constructor(private readonly options: AuthOptions) {}

  /** POST /V1/integration/admin/token. */
  issueAdminToken(username: unknown, password: unknown): string {
    const missing: string[] = [];
    if (typeof username !== "string" || username === "") missing.push("username");
    if (typeof password !== "string" || password === "") missing.push("password");
    if (missing.length) {
      throw new MagentoError(
        400,
        "One or more input exceptions have occurred.",
        undefined,
        missing.map((fieldName) => ({ message: MESSAGES.requiredInput, parameters: { fieldName } })),
      );
    }
    if (username !== this.options.admin.username || password !== this.options.admin.password) {
      throw new MagentoError(401, MESSAGES.signIn);
    }
    const token = randomBytes(16).toString("hex");
    this.adminTokens.set(token, Date.now() + ADMIN_TOKEN_TTL_SECONDS * 1000);
    return token;
  }

  /** Invalidates every issued admin token (tests of expiry). */
  expireAdminTokens() {
    for (const key of this.adminTokens.keys()) this.adminTokens.set(key, 0);
  }

  /**
   * Identifies the caller. null = anonymous or an unknown/expired bearer (the route then answers
   * 401 for its ACL resource); OAuth problems throw their own 401.
   */
  authenticate(
    method: string,
    url: URL,
    rawQuery: string,
    headers: Record<string, string | string[] | undefined>,
    formBody?: string,
  ): Caller | null {
    const header = headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    if (!value) return null;
    const bearer = /^Bearer\s+(.+)$/i.exec(value.trim());
    if (bearer) {
      const token = bearer[1]!.trim();
      if (this.options.fixedTokens.includes(token)) return { kind: "admin" };
      const expires = this.adminTokens.get(token);
      if (expires !== undefined) {
        if (expires > Date.now()) return { kind: "admin" };
        this.adminTokens.delete(token);
        return null;
      }
      if (this.options.integrationAsBearer && token === this.options.integration.accessToken) return { kind: "integration" };
      return null;
    }
    if (/^OAuth\s/i.test(value.trim())) return this.verifyOAuth(method, url, rawQuery, value, formBody);
    return null;
  }

  private verifyOAuth(method: string, url: URL, rawQuery: string, header: string, formBody?: string): Caller {
    const p = parseOAuthHeader(header);
    const integration = this.options.integration;
    const fail = (message: string, parameters?: string[]) => new MagentoError(401, message, parameters);
    for (const required of [
      "oauth_consumer_key",
      "oauth_token",
      "oauth_signature_method",
      "oauth_signature",
      "oauth_nonce",
      "oauth_timestamp",
    ]) {
      if (!p[required]) throw fail("%1 is a required parameter", [required]);
    }
    if (p.oauth_version && p.oauth_version !== "1.0") throw fail("OAuth version %1 is not supported", [p.oauth_version]);
    const sigMethod = p.oauth_signature_method!;
    if (sigMethod !== "HMAC-SHA256" && sigMethod !== "HMAC-SHA1") throw fail("Signature method %1 is not supported", [sigMethod]);
    if (p.oauth_consumer_key !== integration.consumerKey) throw fail("A consumer having the specified key does not exist");
    const timestamp = Number(p.oauth_timestamp);
    const now = Math.floor(Date.now() / 1000);
    if (!Number.isInteger(timestamp) || Math.abs(now - timestamp) > OAUTH_TIMESTAMP_WINDOW_SECONDS) {
      throw fail("Timestamp is out of range");
    }
    if (p.oauth_token !== integration.accessToken) throw fail("Specified token does not exist");
    const params: [string, string][] = [];
    for (const [k, v] of Object.entries(p)) if (k !== "oauth_signature" && k !== "realm") params.push([k, v]);
    params.push(...queryPairs(rawQuery));
    if (formBody) params.push(...queryPairs(formBody));
    const base = signatureBaseString(method, normalizeBaseUrl(url), params);
    const expected = Buffer.from(oauthSignature(sigMethod, base, integration.consumerSecret, integration.accessTokenSecret));
    const given = Buffer.from(p.oauth_signature!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      throw fail("The signature is invalid. Verify and try again.");
    // Only a correctly signed request uses up its nonce.
    const nonceKey = `${p.oauth_consumer_key}:${p.oauth_nonce}`;
    this.pruneNonces(now);
    if (this.nonces.has(nonceKey)) throw fail("The nonce is already being used by the consumer with ID %1", ["1"]);
    this.nonces.set(nonceKey, timestamp);
    return { kind: "oauth" };
  }

  private pruneNonces(now: number) {
    if (this.nonces.size < 10000) return;
    for (const [key, ts] of this.nonces) if (now - ts > OAUTH_TIMESTAMP_WINDOW_SECONDS * 2) this.nonces.delete(key);
  }
}

/** Builds an OAuth 1.0a Authorization header (for tests, the demo and clients of the simulator). */
export function signOAuthRequest(
  method: string,
  url: string,
  integration: Integration,
  options: { timestamp?: number; nonce?: string; signatureMethod?: "HMAC-SHA256" | "HMAC-SHA1" } = {},
): string {
  const u = new URL(url);
  const oauth: Record<string, string> = {
    oauth_consumer_key: integration.consumerKey,
    oauth_nonce: options.nonce ?? randomBytes(16).toString("hex"),
    oauth_signature_method: options.signatureMethod ?? "HMAC-SHA256",
    oauth_timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_token: integration.accessToken,
    oauth_version: "1.0",
  };
  const params: [string, string][] = [...Object.entries(oauth), ...queryPairs(u.search.replace(/^\?/, ""))];
  const base = signatureBaseString(method, normalizeBaseUrl(u), params);
  oauth.oauth_signature = oauthSignature(oauth.oauth_signature_method!, base, integration.consumerSecret, integration.accessTokenSecret);
  return `OAuth ${Object.entries(oauth)
    .map(([k, v]) => `${k}="${rfc3986(v)}"`)
    .join(", ")}`;
}
