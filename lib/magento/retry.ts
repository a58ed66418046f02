// When and how long to wait before trying a request again.

export interface BackoffOptions {
  /** First retry waits up to this long (full jitter: a random time between 0 and the cap). */
  baseDelayMs: number;
  /** Longest wait of the exponential backoff. */
  maxDelayMs: number;
  /** Longest wait a Retry-After header may ask for. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseDelayMs: 500, maxDelayMs: 20_000, maxRetryAfterMs: 60_000 };

/** Exponential backoff with full jitter for the `retry`-th retry (1-based). */
export function backoffDelay(retry: number, options: BackoffOptions, random: () => number): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * cap);
}

/**
 * Milliseconds a Retry-After header asks for: delta-seconds ("120") or an HTTP-date. Null when
 * absent or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[A-Za-z]/.test(text)) return null;
  return Math.max(0, at - nowMs);
}

/** Statuses worth another try: 429 (slow down) and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
