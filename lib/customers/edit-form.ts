import { z } from "zod";
import type { ActionResult } from "@/lib/auth/action";
import { checkAddress } from "@/lib/customers/address";
import type { MagentoCountry } from "@/lib/magento/schemas/directory";
import type { AddressValues, CustomerField, CustomerValues, Gender } from "@/lib/customers/two-way/service";

// The customer edit form as it is posted (flat field names, so it works without JavaScript) and
// the values lib/customers/two-way takes. A draft is what the form shows: every value as typed, so a form
// sent back with errors shows exactly what was typed. Field errors use the form's own names
// ("email", "address.2.city"), so each lands on its input.

export type AddressDraft = {
  /** The slot number in the form ("address.<slot>.…"); stable while the form is open. */
  slot: number;
  /** Magento's address id, "" for a new address. */
  id: string;
  firstname: string;
  lastname: string;
  company: string;
  street1: string;
  street2: string;
  city: string;
  postcode: string;
  countryId: string;
  regionId: string;
  region: string;
  telephone: string;
  remove: boolean;
};

export type CustomerDraft = {
  firstname: string;
  lastname: string;
  email: string;
  groupOriginId: string;
  dob: string;
  gender: string;
  addresses: AddressDraft[];
  /** Slot of the default billing / shipping address, "" for none. */
  defaultBilling: string;
  defaultShipping: string;
};

export type FieldErrors = Record<string, string[]>;

export type EditData = { customerId: number; pushId: number; changedFields: CustomerField[] };
/** The edit form's state: the result, and what was typed (a form posted without JavaScript comes back filled in). */
export type CustomerEditState = ActionResult<EditData> & { submitted?: CustomerDraft };

/** The fields of a customer as sentences name them. */
export const FIELD_LABELS: Record<CustomerField, string> = {
  firstname: "first name",
  lastname: "last name",
  email: "email",
  groupOriginId: "group",
  dob: "date of birth",
  gender: "gender",
  addresses: "addresses",
};

export const ADDRESS_TEXT_FIELDS = [
  "firstname",
  "lastname",
  "company",
  "street1",
  "street2",
  "city",
  "postcode",
  "countryId",
  "regionId",
  "region",
  "telephone",
] as const;
type AddressTextField = (typeof ADDRESS_TEXT_FIELDS)[number];

/** Slots of the form a script-less browser gets for new addresses (ignored while left blank). */
export const BLANK_SLOTS = 1;

export function blankAddress(slot: number, countryId = ""): AddressDraft {
  return {
    slot,
    id: "",
    firstname: "",
    lastname: "",
    company: "",
    street1: "",
    street2: "",
    city: "",
    postcode: "",
    countryId,
    regionId: "",
    region: "",
    telephone: "",
    remove: false,
  };
}

/** The form as first shown: the current values, plus blank slots for new addresses. */
export function draftFromValues(values: CustomerValues, blankSlots = BLANK_SLOTS): CustomerDraft {
  const addresses = values.addresses.map((a, slot): AddressDraft => ({
    slot,
    id: a.id === null ? "" : String(a.id),
    firstname: a.firstname,
    lastname: a.lastname,
    company: a.company ?? "",
    street1: a.street[0] ?? "",
    street2: a.street.slice(1).join(", "),
    city: a.city,
    postcode: a.postcode,
    countryId: a.countryId,
    regionId: a.regionId === null ? "" : String(a.regionId),
    region: a.region ?? "",
    telephone: a.telephone,
    remove: false,
  }));
  const country = addresses[0]?.countryId ?? "";
  for (let i = 0; i < blankSlots; i++) addresses.push(blankAddress(addresses.length, country));
  const slotOf = (flag: "defaultBilling" | "defaultShipping") => {
    const index = values.addresses.findIndex((a) => a[flag]);
    return index < 0 ? "" : String(index);
  };
  return {
    firstname: values.firstname,
    lastname: values.lastname,
    email: values.email,
    groupOriginId: values.groupOriginId === null ? "" : String(values.groupOriginId),
    dob: values.dob ?? "",
    gender: values.gender === null ? "" : String(values.gender),
    addresses,
    defaultBilling: slotOf("defaultBilling"),
    defaultShipping: slotOf("defaultShipping"),
  };
}

const text = (form: Record<string, unknown>, name: string): string => {
  const value = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : "";
};

/** The draft from a posted form (FormData as an object: name → string or strings). */
export function draftFromForm(form: Record<string, unknown>): CustomerDraft {
  const slots = new Set<number>();
  for (const key of Object.keys(form)) {
    const match = /^address\.(\d{1,3})\./.exec(key);
    if (match) slots.add(Number(match[1]));
  }
  const addresses = [...slots]
    .sort((a, b) => a - b)
    .map((slot): AddressDraft => {
      const field = (name: AddressTextField | "id") => text(form, `address.${slot}.${name}`);
      return {
        slot,
        id: field("id").trim(),
        firstname: field("firstname"),
        lastname: field("lastname"),
        company: field("company"),
        street1: field("street1"),
        street2: field("street2"),
        city: field("city"),
        postcode: field("postcode"),
        countryId: field("countryId"),
        regionId: field("regionId"),
        region: field("region"),
        telephone: field("telephone"),
        remove: text(form, `address.${slot}.remove`) === "on",
      };
    });
  return {
    firstname: text(form, "firstname"),
    lastname: text(form, "lastname"),
    email: text(form, "email"),
    groupOriginId: text(form, "groupOriginId"),
    dob: text(form, "dob"),
    gender: text(form, "gender"),
    addresses,
    defaultBilling: text(form, "defaultBilling"),
    defaultShipping: text(form, "defaultShipping"),
  };
}

/** A new slot the user left blank (a script-less form always has one): not an address. */
export function isBlankNewAddress(a: AddressDraft): boolean {
  return (
    a.id === "" &&
    ["firstname", "lastname", "company", "street1", "street2", "city", "postcode", "region", "telephone"].every(
      (k) => a[k as AddressTextField].trim() === "",
    )
  );
}

const line = (max: number, required?: string) => {
  const base = z.string().trim().max(max, `At most ${max} characters.`);
  return required ? base.min(1, required) : base;
};

const customerFields = z.object({
  firstname: line(255, "Enter a first name."),
  lastname: line(255, "Enter a last name."),
  email: z.string().trim().max(254, "At most 254 characters.").pipe(z.email("Enter a valid email address, like name@example.com.")),
  groupOriginId: z
    .string()
    .trim()
    .regex(/^\d{1,9}$/, "Choose a group.")
    .transform(Number),
  dob: z
    .string()
    .trim()
    .refine((v) => v === "" || validDate(v), "Enter a real date (YYYY-MM-DD), not in the future.")
    .transform((v) => (v === "" ? null : v)),
  gender: z
    .enum(["", "0", "1", "2", "3"], { error: "Choose a gender from the list." })
    .transform((v) => (v === "" ? null : (Number(v) as Gender))),
});

const addressFields = z.object({
  id: z
    .string()
    .regex(/^\d{0,12}$/, "Unknown address.")
    .transform((v) => (v === "" ? null : Number(v))),
  firstname: line(255, "Enter a first name."),
  lastname: line(255, "Enter a last name."),
  company: line(255).transform((v) => v || null),
  street1: line(255, "Enter the street."),
  street2: line(255),
  city: line(255, "Enter the city."),
  postcode: line(20, "Enter the postcode."),
  countryId: z
    .string()
    .trim()
    .regex(/^[A-Z]{2}$/, "Choose a country."),
  regionId: z
    .string()
    .trim()
    .regex(/^\d{0,9}$/, "Choose a region.")
    .transform((v) => (v === "" ? null : Number(v))),
  region: line(255).transform((v) => v || null),
  telephone: line(40, "Enter a telephone number."),
});

function validDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return false;
  return value >= "1900-01-01" && date.getTime() <= Date.now();
}

function addIssues(errors: FieldErrors, prefix: string, error: z.ZodError) {
  for (const issue of error.issues) {
    const key = `${prefix}${issue.path.map(String).join(".")}`;
    (errors[key] ??= []).push(issue.message);
  }
}

function sameAddress(a: AddressValues, b: AddressValues): boolean {
  const norm = (x: AddressValues) =>
    JSON.stringify([
      x.firstname,
      x.lastname,
      x.company ?? "",
      x.street.filter(Boolean),
      x.city,
      x.postcode,
      x.countryId,
      x.regionId || null,
      x.regionId ? "" : (x.region ?? ""),
      x.telephone,
    ]);
  return norm(a) === norm(b);
}

export type ParsedEdit = {
  values: CustomerValues;
  /** For each address sent (by index), the form slot it came from: maps lib/customers/two-way's errors back. */
  slots: number[];
  /** Slots of new or changed addresses: only these are checked against Magento's directory. */
  changedSlots: number[];
};

/**
 * Validates a draft against the current values. Addresses the user did not touch are sent as they
 * are (an old address missing a telephone never blocks a change of name); new and changed ones
 * must be complete.
 */
export function parseDraft(
  draft: CustomerDraft,
  current: CustomerValues,
): { ok: true; parsed: ParsedEdit } | { ok: false; fieldErrors: FieldErrors } {
  const errors: FieldErrors = {};
  const head = customerFields.safeParse(draft);
  if (!head.success) addIssues(errors, "", head.error);

  const byId = new Map(current.addresses.filter((a) => a.id !== null).map((a) => [a.id as number, a]));
  const addresses: AddressValues[] = [];
  const slots: number[] = [];
  const changedSlots: number[] = [];
  const kept = draft.addresses.filter((a) => !a.remove && !isBlankNewAddress(a));
  for (const a of kept) {
    const prefix = `address.${a.slot}.`;
    const flags = { defaultBilling: draft.defaultBilling === String(a.slot), defaultShipping: draft.defaultShipping === String(a.slot) };
    const parsed = addressFields.safeParse(a);
    const existing = a.id !== "" ? byId.get(Number(a.id)) : undefined;
    if (a.id !== "" && !existing) {
      (errors[`${prefix}id`] ??= []).push("This address is no longer on the customer; reload the page.");
      continue;
    }
    const loose = (): AddressValues => ({
      id: existing?.id ?? null,
      firstname: a.firstname.trim(),
      lastname: a.lastname.trim(),
      company: a.company.trim() || null,
      street: [a.street1.trim(), a.street2.trim()].filter(Boolean),
      city: a.city.trim(),
      postcode: a.postcode.trim(),
      countryId: a.countryId.trim(),
      regionId: /^\d{1,9}$/.test(a.regionId.trim()) ? Number(a.regionId.trim()) : null,
      region: a.region.trim() || null,
      telephone: a.telephone.trim(),
      ...flags,
    });
    if (existing && sameAddress(loose(), existing)) {
      // Untouched: Magento's own values go back as they are, only the default flags may move.
      addresses.push({ ...existing, ...flags });
      slots.push(a.slot);
      continue;
    }
    if (!parsed.success) {
      addIssues(errors, prefix, parsed.error);
      continue;
    }
    const v = parsed.data;
    addresses.push({
      id: v.id,
      firstname: v.firstname,
      lastname: v.lastname,
      company: v.company,
      street: [v.street1, v.street2].filter(Boolean),
      city: v.city,
      postcode: v.postcode,
      countryId: v.countryId,
      regionId: v.regionId,
      region: v.region,
      telephone: v.telephone,
      ...flags,
    });
    slots.push(a.slot);
    changedSlots.push(a.slot);
  }
  for (const flag of ["defaultBilling", "defaultShipping"] as const) {
    const slot = draft[flag];
    if (slot !== "" && !kept.some((a) => String(a.slot) === slot)) {
      errors[flag] = [
        flag === "defaultBilling"
          ? "The default billing address is being removed: choose another one."
          : "The default shipping address is being removed: choose another one.",
      ];
    }
  }
  if (!head.success || Object.keys(errors).length) return { ok: false, fieldErrors: errors };
  return { ok: true, parsed: { values: { ...head.data, addresses }, slots, changedSlots } };
}

/**
 * Country and region of the new and changed addresses against Magento's directory (the same check
 * a conversion's shipping address gets, lib/customers/address.ts). Sets the region's name from the
 * directory. Returns the field errors, empty when all pass.
 */
export function checkAgainstDirectory(parsed: ParsedEdit, countries: readonly MagentoCountry[]): FieldErrors {
  const errors: FieldErrors = {};
  parsed.values.addresses.forEach((a, index) => {
    const slot = parsed.slots[index]!;
    if (!parsed.changedSlots.includes(slot)) return;
    const checked = checkAddress(
      {
        firstname: a.firstname,
        lastname: a.lastname,
        street1: a.street[0] ?? "",
        street2: a.street[1],
        city: a.city,
        postcode: a.postcode,
        countryId: a.countryId,
        regionId: a.regionId === null ? undefined : String(a.regionId),
        region: a.region ?? undefined,
        telephone: a.telephone,
      },
      countries,
      "",
    );
    if (!checked.ok) {
      for (const [field, messages] of Object.entries(checked.fieldErrors)) errors[`address.${slot}.${field}`] = messages;
      return;
    }
    const regionId = checked.address.region_id ? Number(checked.address.region_id) : null;
    parsed.values.addresses[index] = { ...a, regionId, region: checked.address.region || null };
  });
  return errors;
}

/**
 * lib/customers/two-way's field errors ("email", "addresses.1.city", "addresses") under the form's names:
 * an address index becomes the slot it came from.
 */
export function formFieldErrors(errors: Record<string, string[]> | undefined, slots: number[]): FieldErrors {
  const out: FieldErrors = {};
  for (const [key, messages] of Object.entries(errors ?? {})) {
    const match = /^addresses\.(\d+)(?:\.(\w+))?/.exec(key);
    let name = key;
    if (match) {
      const slot = slots[Number(match[1])];
      const field = match[2] === "street" || !match[2] ? "street1" : match[2];
      if (field === "defaultBilling" || field === "defaultShipping") name = field;
      else name = slot === undefined ? "addresses" : `address.${slot}.${field}`;
    }
    (out[name] ??= []).push(...messages);
  }
  return out;
}
