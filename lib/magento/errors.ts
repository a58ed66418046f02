import { errorResponseSchema, type MagentoErrorBody, type MagentoErrorParameters } from "./schemas/error";

// The errors the client throws, and formatting of Magento's error body. Every message names the
// request (method and path, never the query string, a token or a secret) so a log line says
// what failed without leaking credentials or the customer data a search filtered on.

/** Where an error happened: enough to find the call, nothing secret. */
export interface RequestContext {
  method: string;
  /** URL path only, e.g. "/rest/default/V1/orders/5". */
  path: string;
  /** Attempts made, including the failing one. */
  attempts: number;
}

function stringifyParameter(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/**
 * Fills Magento's placeholders: "%1", "%2"… from an array (1-based), "%fieldName" from an object.
 * Placeholders without a value are left as they are, so nothing is silently dropped.
 */
export function formatMagentoMessage(message: string, parameters?: MagentoErrorParameters | null): string {
  if (!parameters) return message;
  if (Array.isArray(parameters)) {
    return message.replace(/%(\d+)/g, (placeholder, index: string) => {
      const position = Number(index) - 1;
      return position >= 0 && position < parameters.length ? stringifyParameter(parameters[position]) : placeholder;
    });
  }
  return message.replace(/%([A-Za-z_][A-Za-z0-9_]*)/g, (placeholder, name: string) =>
    Object.hasOwn(parameters, name) ? stringifyParameter(parameters[name]) : placeholder,
  );
}

/** Reads a Magento error body; null when the value is not one. */
export function parseMagentoErrorBody(body: unknown): MagentoErrorBody | null {
  const parsed = errorResponseSchema.safeParse(body);
  return parsed.success ? parsed.data : null;
}

/** The readable text of an error body: the formatted message plus any aggregated `errors`. */
export function describeMagentoError(body: MagentoErrorBody): string {
  const main = formatMagentoMessage(body.message, body.parameters);
  const details = (body.errors ?? [])
    .map((item) => formatMagentoMessage(item.message, item.parameters))
    .filter((text) => text && text !== main);
  return details.length ? `${main} (${details.join("; ")})` : main;
}

/** Base class: every error from the client carries the request it came from. */
export class MagentoError extends Error {
  readonly method: string;
  readonly path: string;
  readonly attempts: number;

  constructor(message: string, context: RequestContext, options?: { cause?: unknown }) {
    const tried = context.attempts > 1 ? ` (after ${context.attempts} attempts)` : "";
    super(`${message} [${context.method} ${context.path}${tried}]`, options);
    this.name = new.target.name;
    this.method = context.method;
    this.path = context.path;
    this.attempts = context.attempts;
  }
}

/** Magento answered with an error status. `magentoMessage` is the formatted body message. */
export class MagentoHttpError extends MagentoError {
  readonly status: number;
  readonly magentoMessage: string;
  /** The body as received (parsed JSON when it was JSON, else text); may hold a trace. */
  readonly body: unknown;

  constructor(status: number, magentoMessage: string, body: unknown, context: RequestContext, message?: string) {
    super(message ?? `Magento answered ${status}: ${magentoMessage}`, context);
    this.status = status;
    this.magentoMessage = magentoMessage;
    this.body = body;
  }
}

/** 401: missing, wrong or expired token, or a token without the ACL resource. */
export class MagentoAuthError extends MagentoHttpError {
  constructor(magentoMessage: string, body: unknown, context: RequestContext) {
    super(401, magentoMessage, body, context, `Magento refused the credentials (401): ${magentoMessage}`);
  }
}

/** 404: unknown entity (NoSuchEntityException) or unknown route. */
export class MagentoNotFoundError extends MagentoHttpError {
  constructor(magentoMessage: string, body: unknown, context: RequestContext) {
    super(404, magentoMessage, body, context, `Magento found nothing (404): ${magentoMessage}`);
  }
}

export type NetworkFailure = "timeout" | "dns" | "refused" | "reset" | "tls" | "network";

/** No usable answer: the host is unknown, refused or dropped the connection, or timed out. */
export class MagentoNetworkError extends MagentoError {
  readonly reason: NetworkFailure;

  constructor(reason: NetworkFailure, description: string, context: RequestContext, cause?: unknown) {
    super(`Could not reach Magento: ${description}`, context, { cause });
    this.reason = reason;
  }
}

/**
 * The base URL's host is, or resolves to, a loopback, link-local or private address, which the
 * client does not call unless MAGENTO_ALLOW_PRIVATE_URLS=1. Nothing was sent. The message names
 * the host only; which address and range were refused are properties, for the server's log.
 */
export class MagentoBlockedAddressError extends MagentoError {
  readonly host: string;
  readonly address: string;
  readonly range: string;

  constructor(blocked: { host: string; address: string; range: string }, context: RequestContext) {
    super(
      `The Magento base URL (${blocked.host}) points to a private or internal address; set MAGENTO_ALLOW_PRIVATE_URLS=1 to allow it`,
      context,
    );
    this.host = blocked.host;
    this.address = blocked.address;
    this.range = blocked.range;
  }
}

/** An answer that is not a Magento REST response (HTML page, not JSON, wrong shape). */
export class MagentoResponseError extends MagentoError {
  readonly status: number;

  constructor(description: string, status: number, context: RequestContext) {
    super(description, context);
    this.status = status;
  }
}

export interface SchemaIssue {
  /** Where in the body, e.g. "items[3].grand_total". */
  path: string;
  message: string;
}

/** A JSON answer whose shape breaks the contract (single-entity responses and envelopes). */
export class MagentoSchemaError extends MagentoResponseError {
  readonly issues: SchemaIssue[];

  constructor(what: string, issues: SchemaIssue[], status: number, context: RequestContext) {
    const shown = issues
      .slice(0, 5)
      .map((issue) => `${issue.path || "(body)"}: ${issue.message}`)
      .join("; ");
    const more = issues.length > 5 ? `; and ${issues.length - 5} more` : "";
    super(`Magento sent ${what} that does not match the contract: ${shown}${more}`, status, context);
    this.issues = issues;
  }
}

/** Bad client settings (base URL, store code, auth). Thrown before any request is made. */
export class MagentoConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MagentoConfigError";
  }
}
