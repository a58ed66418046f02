// The security headers of every response, set by proxy.ts.
//
// Content-Security-Policy: scripts only from the portal itself or carrying this request's nonce.
// Next reads the nonce from the policy in the request headers and puts it on its own inline
// scripts; 'strict-dynamic' lets those load the page's chunks. A nonce needs a page rendered per
// request: the root layout waits for the request (connection()), so no page is prerendered without
// one. Styles keep 'unsafe-inline': React's style attributes (charts, bars) cannot carry a nonce,
// and a style cannot run code. Development adds 'unsafe-eval' (React's dev tools rebuild server
// stacks with eval) and websockets (hot reload).
//
// No page may be framed (frame-ancestors 'none', and X-Frame-Options for older browsers); no
// response is content-sniffed; a link to another site (a Magento admin page) sends no portal URL,
// whose query can hold a searched email; HSTS and upgrade-insecure-requests only over HTTPS.

export type SecurityContext = {
  /** Base64, fresh per request. */
  nonce: string;
  /** `next dev`. */
  development: boolean;
  /** The browser reached the portal over HTTPS (servedOverHttps). */
  https: boolean;
};

/** One year: browsers keep to HTTPS for the host that long after an HTTPS visit. */
export const HSTS = "max-age=31536000";

/** A fresh nonce: 16 random bytes, base64. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Whether the browser's connection is HTTPS: the request's own scheme, or the first
 * X-Forwarded-Proto entry a TLS-terminating proxy sets. The header is believed from anyone: a
 * client that fakes it over plain HTTP only gets HSTS, which browsers ignore on HTTP, and an
 * upgrade of its own requests.
 */
export function servedOverHttps(url: URL, headers: Headers): boolean {
  if (url.protocol === "https:") return true;
  return headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}

export function contentSecurityPolicy({ nonce, development, https }: SecurityContext): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${development ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

export type SecurityHeaders = { "Content-Security-Policy": string } & Record<string, string>;

/** Every header a response gets (the policy included). */
export function securityHeaders(context: SecurityContext): SecurityHeaders {
  return {
    "Content-Security-Policy": contentSecurityPolicy(context),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    ...(context.https ? { "Strict-Transport-Security": HSTS } : {}),
  };
}

/** The response, with the headers set. */
export function withHeaders<R extends { headers: Headers }>(response: R, headers: Record<string, string>): R {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
