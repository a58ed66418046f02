import { MagentoConfigError } from "./errors";

// URLs: the store's base URL, the REST path with the store code, and query encoding.

/** RFC 3986 percent-encoding: unreserved characters (A-Z a-z 0-9 - . _ ~) stay, everything else
 * becomes %XX of its UTF-8 bytes. Used for query strings and OAuth 1.0a signing alike. */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Encodes decoded name/value pairs into a query string (no "?"). Brackets in names stay
 * readable, as in Magento's docs (`searchCriteria[pageSize]=20`); PHP reads either form. */
export function encodeQuery(params: readonly (readonly [string, string])[]): string {
  return params
    .map(([name, value]) => `${percentEncode(name).replace(/%5B/g, "[").replace(/%5D/g, "]")}=${percentEncode(value)}`)
    .join("&");
}

/**
 * Checks a store base URL ("https://shop.example.com", with or without a trailing slash, or a
 * sub-folder install "https://example.com/shop/") and returns it without the trailing slash.
 */
export function normaliseBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new MagentoConfigError(`Magento base URL "${baseUrl}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new MagentoConfigError(`Magento base URL must start with http:// or https://, got "${url.protocol}"`);
  }
  if (url.username || url.password) throw new MagentoConfigError("Magento base URL must not contain credentials");
  if (url.search || url.hash) throw new MagentoConfigError("Magento base URL must not have a query or fragment");
  const path = url.pathname.replace(/\/+$/, "");
  if (/\/rest(\/|$)/.test(path) || /\/V1(\/|$)/.test(path)) {
    throw new MagentoConfigError(`Magento base URL should be the store's root, without "/rest/…" (got "${url.pathname}")`);
  }
  return `${url.origin}${path}`;
}

const STORE_CODE = /^[A-Za-z0-9_]+$/;

/** Checks a store code ("default", "all", "fr_fr"…). */
export function checkStoreCode(storeCode: string): string {
  if (!STORE_CODE.test(storeCode)) {
    throw new MagentoConfigError(`Magento store code "${storeCode}" may only hold letters, digits and "_"`);
  }
  return storeCode;
}

/** Encodes one path segment (an id or a SKU, which may hold "/" or spaces). */
export function pathSegment(value: string | number): string {
  return percentEncode(String(value));
}
