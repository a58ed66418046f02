import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv-draft-04";

// The official Magento 2.4.9 REST schema (Swagger 2.0, ../shared/magento), turned into a
// validator for responses and request bodies. Two documented loosenings (shared/magento/README):
// a property outside `required` may be null (Swagger 2.0 has no `nullable`; Magento sends null),
// and error `parameters` may be an array of strings or an object of named values. Magento also
// sends null in some listed-as-required properties: MAGENTO_NULLS names each one, so a
// simulator sending null where Magento never does is still caught. `{ magentoNulls: false }`
// validates without that list (the simulator's strictSchema mode must pass so).

export const SHARED_MAGENTO = path.resolve(process.cwd(), "..", "shared", "magento");
const SCHEMA_FILE = path.join(SHARED_MAGENTO, "openapi", "admin-schema-2.4.9.subset.json");

type Json = Record<string, unknown>;
type Operation = { parameters?: Json[]; responses?: Record<string, { schema?: Json }> };
type Spec = { basePath: string; paths: Record<string, Record<string, Operation>>; definitions: Record<string, Json> };

/**
 * Required properties Magento 2.4 sends as null, by definition. `within` narrows an entry to the
 * definition's use under one property of another definition (its own copy is made for there).
 */
const MAGENTO_NULLS: { definition: string; properties: string[]; within?: [definition: string, property: string]; why: string }[] = [
  {
    definition: "sales-data-order-payment-interface",
    properties: ["account_status", "additional_information", "cc_last4"],
    why: "offline payments have no account status or card (official order sample)",
  },
  {
    definition: "customer-data-region-interface",
    properties: ["region_code", "region"],
    why: "an address in a country without regions (NL, DK, LU …): {region_code: null, region: null, region_id: 0}",
  },
  {
    definition: "customer-data-customer-interface",
    properties: ["email", "firstname", "lastname"],
    within: ["quote-data-cart-interface", "customer"],
    why: "a guest cart's customer is an empty customer object (the email comes with the billing address)",
  },
  {
    definition: "quote-data-address-interface",
    properties: [
      "region",
      "region_id",
      "region_code",
      "country_id",
      "street",
      "telephone",
      "postcode",
      "city",
      "firstname",
      "lastname",
      "email",
    ],
    why: "a cart address nobody filled in yet (official cart sample), and region / region_code of a country without regions",
  },
  { definition: "quote-data-shipping-interface", properties: ["method"], why: "no shipping method chosen yet (official cart sample)" },
  { definition: "sales-data-creditmemo-item-interface", properties: ["base_cost"], why: "the product has no cost attribute" },
  { definition: "quote-data-totals-interface", properties: ["weee_tax_applied_amount"], why: "no fixed product tax (WEEE) configured" },
  {
    definition: "quote-data-totals-item-interface",
    properties: ["weee_tax_applied_amount", "weee_tax_applied"],
    why: "no fixed product tax (WEEE) configured",
  },
  { definition: "catalog-inventory-data-stock-item-interface", properties: ["low_stock_date"], why: "the item never ran low" },
];

function loosen(schema: unknown, definition?: string, nullableRequired: readonly string[] = []): unknown {
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
    const nullable = new Set(nullableRequired);
    const props = out.properties as Record<string, Json>;
    for (const [name, prop] of Object.entries(props)) {
      if (required.has(name) && !nullable.has(name) && !allNullable) continue;
      props[name] = prop.$ref ? { anyOf: [prop, { type: "null" }] } : { ...prop, type: [...[prop.type ?? []].flat(), "null"] };
      if (!prop.$ref && prop.type === undefined) props[name] = prop;
    }
  }
  return out;
}

export type SchemaOptions = {
  /** Accept the nulls of MAGENTO_NULLS (default true); false holds every required property to its type. */
  magentoNulls?: boolean;
};

const cached = new Map<boolean, { spec: Spec; ajv: Ajv }>();
let specCache: Spec | undefined;

function readSpec(): Spec {
  specCache ??= JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as Spec;
  return specCache;
}

function load(magentoNulls = true) {
  const hit = cached.get(magentoNulls);
  if (hit) return hit;
  const spec = readSpec();
  const entries = magentoNulls ? MAGENTO_NULLS : [];
  const nullsOf = (name: string) => entries.filter((e) => e.definition === name && !e.within).flatMap((e) => e.properties);
  const definitions: Record<string, Json> = Object.fromEntries(
    Object.entries(spec.definitions).map(([name, schema]) => [name, loosen(schema, name, nullsOf(name)) as Json]),
  );
  // A scoped entry: its own copy of the definition, referenced from that one property only.
  for (const entry of entries.filter((e) => e.within)) {
    const [parent, property] = entry.within!;
    const copy = `${entry.definition}@${parent}.${property}`;
    definitions[copy] = loosen(spec.definitions[entry.definition], entry.definition, [
      ...nullsOf(entry.definition),
      ...entry.properties,
    ]) as Json;
    const props = definitions[parent]!.properties as Record<string, Json>;
    props[property] = rewriteRef(props[property]!, `#/definitions/${entry.definition}`, `#/definitions/${copy}`);
  }
  definitions["error-parameters"] = {
    anyOf: [{ type: "array", items: { type: ["string", "number", "object"] } }, { type: "object" }],
  };
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  ajv.addSchema({ id: "magento", definitions }, "magento");
  const loaded = { spec, ajv };
  cached.set(magentoNulls, loaded);
  return loaded;
}

function rewriteRef(schema: unknown, from: string, to: string): Json {
  return JSON.parse(JSON.stringify(schema).replaceAll(JSON.stringify(from), JSON.stringify(to))) as Json;
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
function compile(cacheKey: string, schema: Json, options: SchemaOptions): ValidateFunction {
  const magentoNulls = options.magentoNulls ?? true;
  const key = `${magentoNulls ? "nulls" : "strict"} ${cacheKey}`;
  let fn = compiled.get(key);
  if (!fn) {
    fn = load(magentoNulls).ajv.compile(rewriteRefs(loosen(schema)) as Json);
    compiled.set(key, fn);
  }
  return fn;
}

/** The schema's path template for a concrete REST path ("/rest/default/V1/orders/5" → "/V1/orders/{id}"). */
export function matchTemplate(method: string, restPath: string): string | null {
  const v1 = restPath.replace(/^\/rest(?:\/[A-Za-z0-9_]+)?(?=\/V1\/)/, "").split("?")[0]!;
  const spec = readSpec();
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
export function validateResponse(
  method: string,
  restPath: string,
  status: number,
  body: unknown,
  options: SchemaOptions = {},
): SchemaCheck {
  const template = matchTemplate(method, restPath);
  if (!template) return { ok: false, template, errors: [`no ${method} ${restPath} in the official schema`] };
  const op = readSpec().paths[template]![method.toLowerCase()]!;
  const schema = status < 300 ? op.responses?.["200"]?.schema : { $ref: "#/definitions/error-response" };
  if (!schema) return { ok: false, template, errors: [`no schema for status ${status}`] };
  const fn = compile(`${method} ${template} ${status < 300 ? 200 : "error"}`, schema, options);
  const ok = fn(body) as boolean;
  return { ok, template, errors: describe(fn.errors) };
}

/** Validates a request body against the operation's body parameter. */
export function validateRequestBody(method: string, restPath: string, body: unknown, options: SchemaOptions = {}): SchemaCheck {
  const template = matchTemplate(method, restPath);
  if (!template) return { ok: false, template, errors: [`no ${method} ${restPath} in the official schema`] };
  const op = readSpec().paths[template]![method.toLowerCase()]!;
  const param = op.parameters?.find((p) => p.in === "body") as { schema?: Json } | undefined;
  if (!param?.schema) return { ok: body === undefined || body === null, template, errors: ["operation takes no body"] };
  const fn = compile(`${method} ${template} body`, param.schema, options);
  const ok = fn(body) as boolean;
  return { ok, template, errors: describe(fn.errors) };
}

/** Validates a value against one named definition (e.g. "sales-data-order-interface"). */
export function validateDefinition(name: string, value: unknown, options: SchemaOptions = {}): SchemaCheck {
  const fn = compile(`def ${name}`, { $ref: `#/definitions/${name}` }, options);
  const ok = fn(value) as boolean;
  return { ok, template: name, errors: describe(fn.errors) };
}
