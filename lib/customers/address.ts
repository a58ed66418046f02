import { z } from "zod";
import type { CartAddressInput } from "@/lib/magento/schemas/cart";
import type { MagentoCountry } from "@/lib/magento/schemas/directory";

// An address as a form posts it (a conversion's shipping address, a customer's edited one). Country and region
// are checked against Magento's own directory, so a typo never reaches checkout.

const line = (max: number) => z.string().trim().max(max);

export const addressInputSchema = z.object({
  firstname: line(255).min(1, "Enter a first name."),
  lastname: line(255).min(1, "Enter a last name."),
  company: line(255).optional(),
  street1: line(255).min(1, "Enter the street."),
  street2: line(255).optional(),
  city: line(255).min(1, "Enter the city."),
  postcode: line(20).min(1, "Enter the postcode."),
  countryId: z
    .string()
    .trim()
    .regex(/^[A-Z]{2}$/, "Choose a country."),
  regionId: z.string().trim().regex(/^\d*$/).optional(),
  region: line(255).optional(),
  telephone: line(40).min(1, "Enter a telephone number."),
});
export type AddressInput = z.infer<typeof addressInputSchema>;

export type AddressCheck = { ok: true; address: CartAddressInput } | { ok: false; fieldErrors: Record<string, string[]> };

/** Checks country and region against Magento's directory and builds the address Magento takes. */
export function checkAddress(input: AddressInput, countries: readonly MagentoCountry[], email: string): AddressCheck {
  const country = countries.find((c) => c.id === input.countryId);
  if (!country) return { ok: false, fieldErrors: { countryId: ["Magento does not ship to this country."] } };
  const regions = country.available_regions ?? [];
  let region = { id: 0, code: "", name: input.region ?? "" };
  if (regions.length > 0) {
    // Magento requires a listed region where the directory has any.
    const known = regions.find((r) => r.id === input.regionId);
    if (!known) return { ok: false, fieldErrors: { regionId: [`Choose a region of ${country.full_name_english}.`] } };
    region = { id: Number(known.id), code: known.code, name: known.name };
  }
  return {
    ok: true,
    address: {
      firstname: input.firstname,
      lastname: input.lastname,
      ...(input.company ? { company: input.company } : {}),
      street: [input.street1, ...(input.street2 ? [input.street2] : [])],
      city: input.city,
      postcode: input.postcode,
      country_id: country.id,
      region: region.name,
      region_id: region.id,
      region_code: region.code,
      telephone: input.telephone,
      email,
    },
  };
}
