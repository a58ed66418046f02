import { z } from "zod";
import type { MagentoCustomer, MagentoCustomerWire } from "@/lib/magento/schemas/customer";
import { signValue, verifySignedValue } from "@/lib/secrets/signing";
import type { AddressValues, CustomerField, CustomerValues, Gender } from "./types";

// The editable customer values, three ways: as the form sends them (zod), as Magento holds them
// (the wire object a GET returns and a PUT replaces), and compared field by field (normalized, so
// "" and null or trailing blanks are no change). No database, no I/O (the form's base token is
// signed with AUTH_SECRET).

export const CUSTOMER_FIELDS: readonly CustomerField[] = ["firstname", "lastname", "email", "groupOriginId", "dob", "gender", "addresses"];

const text = (label: string, max = 255) => z.string().trim().min(1, `Enter the ${label}.`).max(max, `The ${label} is too long.`);
const optionalText = (max = 255) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .transform((v) => (v ? v : null));

export const addressValuesSchema = z.object({
  id: z.number().int().positive().nullable(),
  firstname: text("first name"),
  lastname: text("last name"),
  street: z
    .array(z.string().trim().max(255))
    .max(4)
    .transform((lines) => trimLines(lines))
    .refine((lines) => lines.length > 0, "Enter the street."),
  city: text("city"),
  postcode: text("postcode", 32),
  countryId: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, "Choose a country."),
  regionId: z
    .number()
    .int()
    .nonnegative()
    .nullable()
    .transform((v) => (v ? v : null)),
  region: optionalText(),
  telephone: text("phone number", 64),
  company: optionalText(),
  defaultBilling: z.boolean(),
  defaultShipping: z.boolean(),
});

export const customerValuesSchema = z
  .object({
    firstname: text("first name"),
    lastname: text("last name"),
    email: z.string().trim().max(254).pipe(z.email("Enter a valid email address.")),
    groupOriginId: z.number().int().positive("Choose a customer group.").nullable(),
    dob: z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter the date as YYYY-MM-DD.")
      .refine(
        (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
        "Enter a real date.",
      )
      .refine((d) => d <= new Date().toISOString().slice(0, 10), "The date of birth cannot be in the future.")
      .nullable()
      .or(z.literal("").transform(() => null)),
    gender: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).nullable(),
    addresses: z.array(addressValuesSchema).max(20, "At most 20 addresses."),
  })
  .superRefine((v, ctx) => {
    if (v.addresses.filter((a) => a.defaultBilling).length > 1)
      ctx.addIssue({ code: "custom", path: ["addresses"], message: "Only one address can be the default billing address." });
    if (v.addresses.filter((a) => a.defaultShipping).length > 1)
      ctx.addIssue({ code: "custom", path: ["addresses"], message: "Only one address can be the default shipping address." });
    const ids = v.addresses.flatMap((a) => (a.id === null ? [] : [a.id]));
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: "custom", path: ["addresses"], message: "An address appears twice." });
  });

/** zod issues as the form's field errors ("email", "addresses.0.city"). */
export function fieldErrorsOf(error: z.ZodError, prefix: string[] = []): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = [...prefix, ...issue.path.map(String)].join(".") || "form";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

function trimLines(lines: readonly string[]): string[] {
  const out = lines.map((l) => l.trim());
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}

// ── comparison ────────────────────────────────────────────────────────────────────────────────

function normalAddress(a: AddressValues) {
  // The id is left out: a new address gets its id from Magento, and is still the same address.
  return {
    firstname: a.firstname.trim(),
    lastname: a.lastname.trim(),
    street: trimLines(a.street),
    city: a.city.trim(),
    postcode: a.postcode.trim(),
    countryId: a.countryId.trim().toUpperCase(),
    regionId: a.regionId || null,
    region: a.regionId ? null : a.region?.trim() || null,
    telephone: a.telephone.trim(),
    company: a.company?.trim() || null,
    defaultBilling: a.defaultBilling,
    defaultShipping: a.defaultShipping,
  };
}

/** One field's value in a canonical form: equal text means no change. */
export function canonical(values: CustomerValues, field: CustomerField): string {
  switch (field) {
    case "firstname":
    case "lastname":
      return values[field].trim();
    case "email":
      return values.email.trim().toLowerCase();
    case "groupOriginId":
      return values.groupOriginId === null ? "" : String(values.groupOriginId);
    case "dob":
      return values.dob ?? "";
    case "gender":
      return values.gender === null ? "" : String(values.gender);
    case "addresses":
      return JSON.stringify(
        values.addresses
          .map(normalAddress)
          .map((a) => JSON.stringify(a))
          .sort(),
      );
  }
}

export function sameField(a: CustomerValues, b: CustomerValues, field: CustomerField): boolean {
  return canonical(a, field) === canonical(b, field);
}

export function changedFields(from: CustomerValues, to: CustomerValues): CustomerField[] {
  return CUSTOMER_FIELDS.filter((f) => !sameField(from, to, f));
}

const GENDERS: Record<number, string> = { 0: "N/A", 1: "Male", 2: "Female", 3: "Not specified" };

/** A field's value as people read it (override notices show both sides). */
export function displayValue(values: CustomerValues, field: CustomerField, groupName?: (originId: number) => string | undefined): string {
  switch (field) {
    case "groupOriginId":
      return values.groupOriginId === null ? "—" : (groupName?.(values.groupOriginId) ?? `Group ${values.groupOriginId}`);
    case "gender":
      return values.gender === null ? "—" : (GENDERS[values.gender] ?? String(values.gender));
    case "dob":
      return values.dob ?? "—";
    case "addresses":
      return values.addresses.length === 0
        ? "No addresses"
        : values.addresses
            .map(
              (a) =>
                [a.firstname, a.lastname].join(" ") +
                ", " +
                [...trimLines(a.street), [a.postcode, a.city].join(" "), a.countryId].join(", "),
            )
            .join(" | ");
    default:
      return values[field] || "—";
  }
}

// ── Magento wire ⇄ values ───────────────────────────────────────────────────────────────────

type WireAddress = NonNullable<MagentoCustomerWire["addresses"]>[number];

export function valuesFromWire(customer: MagentoCustomerWire | MagentoCustomer): CustomerValues {
  const gender = customer.gender;
  return {
    firstname: customer.firstname ?? "",
    lastname: customer.lastname ?? "",
    email: customer.email ?? "",
    groupOriginId: customer.group_id ?? null,
    dob: customer.dob ? String(customer.dob).slice(0, 10) : null,
    gender: gender === 0 || gender === 1 || gender === 2 || gender === 3 ? (gender as Gender) : null,
    addresses: (customer.addresses ?? []).map((a) => addressFromWire(customer, a)),
  };
}

function addressFromWire(customer: MagentoCustomerWire | MagentoCustomer, a: WireAddress): AddressValues {
  const id = a.id ?? null;
  return {
    id,
    firstname: a.firstname ?? "",
    lastname: a.lastname ?? "",
    street: a.street ?? [],
    city: a.city ?? "",
    postcode: a.postcode ?? "",
    countryId: a.country_id ?? "",
    regionId: a.region_id || a.region?.region_id || null,
    region: a.region?.region || null,
    telephone: a.telephone ?? "",
    company: a.company || null,
    defaultBilling:
      a.default_billing === true || (id !== null && customer.default_billing !== undefined && String(id) === customer.default_billing),
    defaultShipping:
      a.default_shipping === true || (id !== null && customer.default_shipping !== undefined && String(id) === customer.default_shipping),
  };
}

export type RegionLookup = (countryId: string, regionId: number) => { code: string; name: string } | undefined;

function addressToWire(
  a: AddressValues,
  existing: WireAddress | undefined,
  customerId: number | undefined,
  regions: RegionLookup,
): WireAddress {
  const known = a.regionId ? regions(a.countryId, a.regionId) : undefined;
  const sameRegion = existing && (existing.region_id ?? existing.region?.region_id) === a.regionId;
  const region = a.regionId
    ? {
        region_id: a.regionId,
        region_code: known?.code ?? (sameRegion ? (existing?.region?.region_code ?? "") : ""),
        region: known?.name ?? a.region ?? "",
      }
    : { region_id: 0, region_code: "", region: a.region ?? "" };
  const out: WireAddress = {
    // Attributes we do not edit (vat_id, custom attributes …) stay as Magento has them.
    ...(existing ?? {}),
    firstname: a.firstname,
    lastname: a.lastname,
    street: trimLines(a.street),
    city: a.city,
    postcode: a.postcode,
    country_id: a.countryId,
    region,
    region_id: region.region_id,
    telephone: a.telephone,
    default_billing: a.defaultBilling,
    default_shipping: a.defaultShipping,
  };
  if (a.company) out.company = a.company;
  else delete out.company;
  if (a.id !== null && existing) out.id = a.id;
  else delete out.id;
  if (customerId !== undefined) out.customer_id = customerId;
  return out;
}

/**
 * The customer as Magento returned it with the given fields set to `values`: a PUT replaces the
 * whole customer, so everything else (Magento's own changes included) is sent back unchanged.
 */
export function applyToWire(
  current: MagentoCustomerWire,
  values: CustomerValues,
  fields: readonly CustomerField[],
  regions: RegionLookup,
): MagentoCustomerWire {
  const out: MagentoCustomerWire = structuredClone(current);
  for (const field of fields) {
    switch (field) {
      case "firstname":
        out.firstname = values.firstname;
        break;
      case "lastname":
        out.lastname = values.lastname;
        break;
      case "email":
        out.email = values.email;
        break;
      case "groupOriginId":
        if (values.groupOriginId !== null) out.group_id = values.groupOriginId;
        break;
      case "dob":
        if (values.dob) out.dob = values.dob;
        else delete out.dob;
        break;
      case "gender":
        if (values.gender !== null) out.gender = values.gender;
        else delete out.gender;
        break;
      case "addresses": {
        const byId = new Map((current.addresses ?? []).flatMap((a) => (a.id == null ? [] : [[a.id, a] as const])));
        out.addresses = values.addresses.map((a) =>
          addressToWire(a, a.id === null ? undefined : byId.get(a.id), current.id ?? undefined, regions),
        );
        // The defaults travel as flags on the addresses; the customer's own ids would name old ones.
        delete out.default_billing;
        delete out.default_shipping;
        break;
      }
    }
  }
  return out;
}

/** A new account's customer object (POST /V1/customers) from a guest's values. */
export function newCustomerWire(
  values: CustomerValues,
  scope: { websiteId: number | null; storeId: number | null },
  regions: RegionLookup,
): MagentoCustomerWire {
  return {
    email: values.email,
    firstname: values.firstname,
    lastname: values.lastname,
    ...(values.groupOriginId !== null ? { group_id: values.groupOriginId } : {}),
    ...(values.dob ? { dob: values.dob } : {}),
    ...(values.gender !== null ? { gender: values.gender } : {}),
    ...(scope.websiteId !== null ? { website_id: scope.websiteId } : {}),
    ...(scope.storeId !== null ? { store_id: scope.storeId } : {}),
    addresses: values.addresses.map((a) => addressToWire({ ...a, id: null }, undefined, undefined, regions)),
  };
}

// ── base token ──────────────────────────────────────────────────────────────────────────────

const tokenSchema = z.object({ v: z.literal(2), customerId: z.number().int(), values: z.unknown() });
const BASE_TOKEN_PURPOSE = "customer edit base";

/**
 * The form's base: the values it was built on, round-tripped through the browser signed (HMAC,
 * lib/secrets/signing.ts) and bound to the customer, so a browser can neither alter it (to hide a
 * conflict or fake the audit's "from" values) nor send another customer's.
 */
export function encodeBaseToken(customerId: number, values: CustomerValues): string {
  return signValue(BASE_TOKEN_PURPOSE, JSON.stringify({ v: 2, customerId, values }));
}

/** The base of `customerId`'s form; null when the token was altered, forged, is another customer's or unreadable. */
export function decodeBaseToken(token: string, customerId: number): CustomerValues | null {
  const text = verifySignedValue(BASE_TOKEN_PURPOSE, token);
  if (text === null) return null;
  try {
    const outer = tokenSchema.safeParse(JSON.parse(text));
    if (!outer.success || outer.data.customerId !== customerId) return null;
    // The base is what the portal showed, not what a user may type: parsed leniently, never refused for content.
    const base = baseValuesSchema.safeParse(outer.data.values);
    return base.success ? base.data : null;
  } catch {
    return null;
  }
}

const baseValuesSchema = z.object({
  firstname: z.string(),
  lastname: z.string(),
  email: z.string(),
  groupOriginId: z.number().int().nullable(),
  dob: z.string().nullable(),
  gender: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).nullable(),
  addresses: z.array(
    z.object({
      id: z.number().int().nullable(),
      firstname: z.string(),
      lastname: z.string(),
      street: z.array(z.string()),
      city: z.string(),
      postcode: z.string(),
      countryId: z.string(),
      regionId: z.number().int().nullable(),
      region: z.string().nullable(),
      telephone: z.string(),
      company: z.string().nullable(),
      defaultBilling: z.boolean(),
      defaultShipping: z.boolean(),
    }),
  ),
});

/** The stored payload shapes are checked when read back from the outbox (jsonb is untyped). */
export const storedValuesSchema = baseValuesSchema;
