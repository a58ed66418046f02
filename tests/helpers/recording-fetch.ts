// A `fetch` wrapper for contract tests: passes every call through to the real fetch and records
// what went over the wire (method, URL, JSON request body, status, parsed JSON response body,
// timings). The response handed back to the caller is the real one, untouched.

export interface Exchange {
  /** 1-based order of the call. */
  seq: number;
  method: string;
  url: URL;
  /** URL path without the query ("/rest/default/V1/orders"). */
  path: string;
  /** Parsed JSON request body (undefined when none was sent). */
  requestBody: unknown;
  /** Request headers as sent. */
  requestHeaders: Headers;
  /** HTTP status, or null when no answer came (timeout, aborted, refused). */
  status: number | null;
  /** Parsed JSON response body; undefined when there was none or it was not JSON. */
  responseBody: unknown;
  /** The raw response text ("" when no answer came). */
  responseText: string;
  /** Whether the response text parsed as JSON. */
  responseIsJson: boolean;
  responseHeaders: Headers | null;
  /** Date.now() when the call started and when its body was read (or it failed). */
  startedAt: number;
  endedAt: number;
  /** Why no answer came. */
  error?: unknown;
}

export interface RecordingFetch {
  fetch: typeof globalThis.fetch;
  exchanges: Exchange[];
  /** Forgets what was recorded so far. */
  clear(): void;
}

function parseJson(text: string): { ok: boolean; value: unknown } {
  if (text.trim() === "") return { ok: false, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, value: undefined };
  }
}

function requestBodyText(body: RequestInit["body"]): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return Buffer.from(body as ArrayBuffer).toString("utf8");
  throw new Error("recording fetch: only string, URLSearchParams and buffer bodies are recorded");
}

/** Wraps `inner` (globalThis.fetch by default) so that every call is recorded. */
export function recordingFetch(inner: typeof globalThis.fetch = globalThis.fetch): RecordingFetch {
  const exchanges: Exchange[] = [];
  let seq = 0;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    const text = requestBodyText(init?.body);
    const exchange: Exchange = {
      seq: ++seq,
      method,
      url,
      path: url.pathname,
      requestBody: text === undefined ? undefined : parseJson(text).value,
      requestHeaders: new Headers(init?.headers),
      status: null,
      responseBody: undefined,
      responseText: "",
      responseIsJson: false,
      responseHeaders: null,
      startedAt: Date.now(),
      endedAt: 0,
    };
    exchanges.push(exchange);
    try {
      const response = await inner(input, init);
      exchange.status = response.status;
      exchange.responseHeaders = response.headers;
      exchange.responseText = await response.clone().text();
      const parsed = parseJson(exchange.responseText);
      exchange.responseIsJson = parsed.ok;
      exchange.responseBody = parsed.value;
      exchange.endedAt = Date.now();
      return response;
    } catch (error) {
      exchange.error = error;
      exchange.endedAt = Date.now();
      throw error;
    }
  };
  return {
    fetch,
    exchanges,
    clear: () => {
      exchanges.length = 0;
    },
  };
}
