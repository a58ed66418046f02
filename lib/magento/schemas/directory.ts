import { z } from "zod";
import { looseRecord, optional } from "./primitives";

// Countries and their regions. Definitions: directory-data-country-information-interface,
// directory-data-region-information-interface.

export const regionInformationSchema = z.looseObject({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  extension_attributes: optional(looseRecord),
});

export const countrySchema = z.looseObject({
  id: z.string(),
  two_letter_abbreviation: z.string(),
  three_letter_abbreviation: z.string(),
  full_name_locale: z.string(),
  full_name_english: z.string(),
  available_regions: optional(z.array(regionInformationSchema)),
  extension_attributes: optional(looseRecord),
});

export type MagentoRegionInformation = z.output<typeof regionInformationSchema>;
export type MagentoCountry = z.output<typeof countrySchema>;
