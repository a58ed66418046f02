import { describe, expect, it } from "vitest";
import {
  checkAgainstDirectory,
  draftFromForm,
  draftFromValues,
  formFieldErrors,
  isBlankNewAddress,
  parseDraft,
  type CustomerDraft,
} from "@/lib/customers/edit-form";
import type { MagentoCountry } from "@/lib/magento/schemas/directory";
import type { CustomerValues } from "@/lib/customers/two-way/service";

// The customer edit form's round trip: values → what the form shows → what it posts → values
// for lib/customers/two-way, with errors under the form's own field names.

const current: CustomerValues = {
  firstname: "Chris",
  lastname: "Martin",
  email: "chris@example.com",
  groupOriginId: 1,
  dob: "1980-01-19",
  gender: 1,
  addresses: [
    {
      id: 11,
      firstname: "Chris",
      lastname: "Martin",
      street: ["108 Main Street"],
      city: "Columbus",
      postcode: "43250",
      countryId: "US",
      regionId: 47,
      region: "Ohio",
      telephone: "",
      company: null,
      defaultBilling: true,
      defaultShipping: true,
    },
  ],
};

const countries = [
  {
    id: "US",
    two_letter_abbreviation: "US",
    three_letter_abbreviation: "USA",
    full_name_locale: "United States",
    full_name_english: "United States",
    available_regions: [
      { id: "47", code: "OH", name: "Ohio" },
      { id: "43", code: "NY", name: "New York" },
    ],
  },
  { id: "FR", two_letter_abbreviation: "FR", three_letter_abbreviation: "FRA", full_name_locale: "France", full_name_english: "France" },
] as MagentoCountry[];

/** The draft as a browser posts it: flat names. */
function posted(draft: CustomerDraft): Record<string, string> {
  const out: Record<string, string> = {
    firstname: draft.firstname,
    lastname: draft.lastname,
    email: draft.email,
    groupOriginId: draft.groupOriginId,
    dob: draft.dob,
    gender: draft.gender,
    defaultBilling: draft.defaultBilling,
    defaultShipping: draft.defaultShipping,
  };
  for (const a of draft.addresses) {
    for (const [key, value] of Object.entries(a)) {
      if (key === "slot") continue;
      if (key === "remove") {
        if (value) out[`address.${a.slot}.remove`] = "on";
      } else out[`address.${a.slot}.${key}`] = String(value);
    }
  }
  return out;
}

describe("customer edit form", () => {
  it("posts back the same values when nothing is changed (an old address without a telephone passes as it is)", () => {
    const draft = draftFromForm(posted(draftFromValues(current)));
    expect(draft.addresses).toHaveLength(2);
    expect(isBlankNewAddress(draft.addresses[1]!)).toBe(true);
    const result = parseDraft(draft, current);
    expect(result).toEqual({ ok: true, parsed: { values: current, slots: [0], changedSlots: [] } });
  });

  it("errors land on the form's names, and a changed address must be complete", () => {
    const draft = draftFromValues(current);
    draft.firstname = " ";
    draft.email = "not-an-email";
    draft.dob = "2999-01-01";
    draft.addresses[0]!.city = "Dayton";
    const result = parseDraft(draftFromForm(posted(draft)), current);
    expect(result.ok).toBe(false);
    const errors = result.ok ? {} : result.fieldErrors;
    expect(Object.keys(errors).sort()).toEqual(["address.0.telephone", "dob", "email", "firstname"]);
  });

  it("a removed default address asks for another default; a new address is added with the defaults moved", () => {
    const draft = draftFromValues(current);
    draft.addresses[0]!.remove = true;
    expect(parseDraft(draftFromForm(posted(draft)), current)).toMatchObject({
      ok: false,
      fieldErrors: { defaultBilling: [expect.any(String)], defaultShipping: [expect.any(String)] },
    });

    const next = draftFromValues(current);
    Object.assign(next.addresses[1]!, {
      firstname: "Robin",
      lastname: "Quinn",
      street1: "12 Market St",
      city: "Albany",
      postcode: "12207",
      countryId: "US",
      regionId: "43",
      telephone: "518",
    });
    next.defaultShipping = "1";
    const result = parseDraft(draftFromForm(posted(next)), current);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.parsed.slots).toEqual([0, 1]);
    expect(result.parsed.changedSlots).toEqual([1]);
    expect(result.parsed.values.addresses.map((a) => [a.id, a.defaultBilling, a.defaultShipping])).toEqual([
      [11, true, false],
      [null, false, true],
    ]);
    expect(checkAgainstDirectory(result.parsed, countries)).toEqual({});
    expect(result.parsed.values.addresses[1]).toMatchObject({ regionId: 43, region: "New York" });
  });

  it("Magento's directory: a US address needs a listed region, an unknown country is refused, on the slot's fields", () => {
    const draft = draftFromValues(current);
    Object.assign(draft.addresses[1]!, {
      firstname: "R",
      lastname: "Q",
      street1: "1 St",
      city: "X",
      postcode: "1",
      countryId: "US",
      regionId: "",
      telephone: "1",
    });
    const parsed = parseDraft(draftFromForm(posted(draft)), current);
    if (!parsed.ok) throw new Error("expected a valid draft");
    expect(Object.keys(checkAgainstDirectory(parsed.parsed, countries))).toEqual(["address.1.regionId"]);
    parsed.parsed.values.addresses[1]!.countryId = "ZZ";
    expect(Object.keys(checkAgainstDirectory(parsed.parsed, countries))).toEqual(["address.1.countryId"]);
  });

  it("lib/customers/two-way's address errors come back under the slot the address came from", () => {
    expect(
      formFieldErrors(
        { email: ["Taken."], "addresses.1.street.0": ["Too long."], "addresses.0.defaultBilling": ["One only."], form: ["x"] },
        [0, 3],
      ),
    ).toEqual({ email: ["Taken."], "address.3.street1": ["Too long."], defaultBilling: ["One only."], form: ["x"] });
  });
});
