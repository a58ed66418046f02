import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv-draft-04";

// The official Magento 2.4.9 REST schema (Swagger 2.0, ../shared/magento), turned into a
// validator for responses and request bodies. Two documented loosenings (shared/magento/README):
// a property outside `required` may be null (Swagger 2.0 has no `nullable`; Magento sends null),
// and error `parameters` may be an array of strings or an object of named values. Magento also
// sends null for a few listed-as-required properties (payment.cc_last4 in the official order
// sample, the fields of a cart's still-empty address): those are allowed by name below, so a
// simulator sending null where Magento never does is still caught.

export const SHARED_MAGENTO = path.resolve(process.cwd(), "..", "shared", "magento");
const SCHEMA_FILE = path.join(SHARED_MAGENTO, "openapi", "admin-schema-2.4.9.subset.json");

type Json = Record<string, unknown>;
type Operation = { parameters?: Json[]; responses?: Record<string, { schema?: Json }> };
type Spec = { basePath: string; paths: Record<string, Record<string, Operation>>; definitions: Record<string, Json> };

const NULL_IN_THE_WILD: Record<string, string[]> = {
  "sales-data-order-payment-interface": ["account_status", "additional_information", "cc_last4"],
  "quote-data-totals-interface": ["weee_tax_applied_amount"],
  "catalog-inventory-data-stock-item-interface": ["low_stock_date"],
  "quote-data-totals-item-interface": ["weee_tax_applied_amount", "weee_tax_applied"],
  "sales-data-shipping-interface": ["method"],
  "quote-data-shipping-interface": ["method"],
  "quote-data-address-interface": ["region", "region_id", "region_code", "country_id", "street", "telephone", "postcode", "city", "firstname", "lastname", "email"],
};

function loosen(schema: unknown, definition?: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => loosen(s));
  if (!schema || typeof schema !== "object") return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) {
    if (key === "xml" || key.startsWith("x-")) continue;
    out[key] = loosen(value);
  }
  if (out.properties && typeof out.properties === "object") {
    const required = new Set((out.required as string[] | undefined) ?? []);
    // B2B-only negotiable quote parts: not ours to police, any of their values may be null.
    const allNullable = definition?.startsWith("negotiable-quote-") ?? false;
    const nullable = new Set(definition ? NULL_IN_THE_WILD[definition] : []);
    const props = out.properties as Record<string, Json>;
    for (const [name, prop] of Object.entries(props)) {
      if (required.has(name) && !nullable.has(name) && !allNullable) continue;
      props[name] = prop.$ref ? { anyOf: [prop, { type: "null" }] } : { ...prop, type: [...[prop.type ?? []].flat(), "null"] };
      if (!prop.$ref && prop.type === undefined) props[name] = prop;
    }
  }
  return out;
}

let cached: { spec: Spec; ajv: Ajv } | undefined;

function load() {
  if (cached) return cached;
  const spec = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as Spec;
  const definitions = Object.fromEntries(
    Object.entries(spec.definitions).map(([name, schema]) => [name, loosen(schema, name) as Json]),
  );
  definitions["error-parameters"] = {
    anyOf: [{ type: "array", items: { type: ["string", "number", "object"] } }, { type: "object" }],
  };
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  ajv.addSchema({ id: "magento", definitions }, "magento");
  cached = { spec, ajv };
  return cached;
}

function rewriteRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (!schema || typeof schema !== "object") return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) {
    out[key] = key === "$ref" && typeof value === "string" ? value.replace("#/definitions/", "magento#/definitions/") : rewriteRefs(value);
  }
  return out;
}

const compiled = new Map<string, ValidateFunction>();
function compile(cacheKey: string, schema: Json): ValidateFunction {
  let fn = compiled.get(cacheKey);
  if (!fn) {
    fn = load().ajv.compile(rewriteRefs(loosen(schema)) as Json);
    compiled.set(cacheKey, fn);
  }
  return fn;
}

/** The schema's path template for a concrete REST path ("/rest/default/V1/orders/5" → "/V1/orders/{id}"). */
export function matchTemplate(method: string, restPath: string): string | null {
  const v1 = restPath.replace(/^\/rest(?:\/[A-Za-z0-9_]+)?(?=\/V1\/)/, "").split("?")[0]!;
  const { spec } = load();
  const parts = v1.split("/");
  for (const template of Object.keys(spec.paths)) {
    const tParts = template.split("/");
    if (tParts.length !== parts.length || !spec.paths[template]![method.toLowerCase()]) continue;
    if (tParts.every((t, i) => t.startsWith("{") || t === parts[i])) return template;
  }
  return null;
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""}`.trim());
}

export type SchemaCheck = { ok: boolean; template: string | null; errors: string[] };

/** Validates a response body against the schema's 200 response (or error-response for errors). */
export function validateResponse(method: string, restPath: string, status: number, body: unknown): SchemaCheck {
  const template = matchTemplate(method, restPath);
  if (!template) return { ok: false, template, errors: [`no ${method} ${restPath} in the official schema`] };
  const op = load().spec.paths[template]![method.toLowerCase()]!;
  const schema = status < 300 ? op.responses?.["200"]?.schema : { $ref: "#/definitions/error-response" };
  if (!schema) return { ok: false, template, errors: [`no schema for status ${status}`] };
  const fn = compile(`${method} ${template} ${status < 300 ? 200 : "error"}`, schema);
  const ok = fn(body) as boolean;
  return { ok, template, errors: describe(fn.errors) };
}

/** Validates a request body against the operation's body parameter. */
export function validateRequestBody(method: string, restPath: string, body: unknown): SchemaCheck {
  const template = matchTemplate(method, restPath);
  if (!template) return { ok: false, template, errors: [`no ${method} ${restPath} in the official schema`] };
  const op = load().spec.paths[template]![method.toLowerCase()]!;
  const param = op.parameters?.find((p) => p.in === "body") as { schema?: Json } | undefined;
  if (!param?.schema) return { ok: body === undefined || body === null, template, errors: ["operation takes no body"] };
  const fn = compile(`${method} ${template} body`, param.schema);
  const ok = fn(body) as boolean;
  return { ok, template, errors: describe(fn.errors) };
}

/** Validates a value against one named definition (e.g. "sales-data-order-interface"). */
export function validateDefinition(name: string, value: unknown): SchemaCheck {
  const fn = compile(`def ${name}`, { $ref: `#/definitions/${name}` });
  const ok = fn(value) as boolean;
  return { ok, template: name, errors: describe(fn.errors) };
}
