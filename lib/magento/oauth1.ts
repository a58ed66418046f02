import { createHmac, randomBytes } from "node:crypto";
import { percentEncode } from "./url";

// OAuth 1.0a request signing (RFC 5849) with HMAC-SHA256, as Magento 2.4 expects from an
// integration (consumer key/secret + access token/secret). Pure functions: the transport signs
// with them and the simulator's verifier can be checked against the same code.
// JSON bodies are not part of the signature (only form-encoded bodies would be, and we send none).

export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
}

export interface OAuth1SignInput {
  method: string;
  /** Full request URL; its query parameters are signed. */
  url: string;
  credentials: OAuth1Credentials;
  nonce: string;
  /** Seconds since the epoch. */
  timestamp: number;
}

export interface OAuth1Signature {
  baseString: string;
  signature: string;
  /** The oauth_* parameters including oauth_signature, in header order. */
  oauthParams: [string, string][];
  /** The value of the Authorization header ("OAuth oauth_consumer_key=…"). */
  authorization: string;
}

export const OAUTH_SIGNATURE_METHOD = "HMAC-SHA256";

/** The base string URI: lower-case scheme and host, port only when not the default, path, no query. */
export function oauth1BaseUri(url: string): string {
  const parsed = new URL(url);
  const scheme = parsed.protocol.replace(/:$/, "").toLowerCase();
  const defaultPort = (scheme === "http" && parsed.port === "80") || (scheme === "https" && parsed.port === "443");
  const port = parsed.port && !defaultPort ? `:${parsed.port}` : "";
  return `${scheme}://${parsed.hostname.toLowerCase()}${port}${parsed.pathname}`;
}

/** Parameters normalised for signing: each name and value encoded, sorted by name then value,
 * joined as name=value with "&". */
export function oauth1NormaliseParams(params: readonly (readonly [string, string])[]): string {
  return params
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([aName, aValue], [bName, bValue]) => (aName < bName ? -1 : aName > bName ? 1 : aValue < bValue ? -1 : aValue > bValue ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

/** METHOD & encode(base URI) & encode(normalised parameters). */
export function oauth1SignatureBaseString(method: string, url: string, params: readonly (readonly [string, string])[]): string {
  return [method.toUpperCase(), percentEncode(oauth1BaseUri(url)), percentEncode(oauth1NormaliseParams(params))].join("&");
}

/** base64(HMAC-SHA256(key = encode(consumerSecret) & encode(tokenSecret), baseString)). */
export function oauth1Hmac(baseString: string, consumerSecret: string, tokenSecret: string): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac("sha256", key).update(baseString).digest("base64");
}

/** A fresh random nonce (hex). */
export function oauth1Nonce(): string {
  return randomBytes(16).toString("hex");
}

/** Signs one request; deterministic for a given nonce and timestamp. */
export function signOAuth1Request(input: OAuth1SignInput): OAuth1Signature {
  const { credentials } = input;
  const oauthParams: [string, string][] = [
    ["oauth_consumer_key", credentials.consumerKey],
    ["oauth_nonce", input.nonce],
    ["oauth_signature_method", OAUTH_SIGNATURE_METHOD],
    ["oauth_timestamp", String(input.timestamp)],
    ["oauth_token", credentials.accessToken],
    ["oauth_version", "1.0"],
  ];
  const queryParams = [...new URL(input.url).searchParams.entries()];
  const baseString = oauth1SignatureBaseString(input.method, input.url, [...oauthParams, ...queryParams]);
  const signature = oauth1Hmac(baseString, credentials.consumerSecret, credentials.accessTokenSecret);
  const signed: [string, string][] = [...oauthParams, ["oauth_signature", signature]];
  const authorization = `OAuth ${signed.map(([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`).join(", ")}`;
  return { baseString, signature, oauthParams: signed, authorization };
}
