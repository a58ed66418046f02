import { z } from "zod";
import { customAttributeSchema, dateOnly, dateTime, int, looseRecord, optional } from "./primitives";

// Customers, their addresses and groups. Definitions: customer-data-customer-interface,
// customer-data-address-interface, customer-data-region-interface,
// customer-data-customer-extension-interface, customer-data-group-interface.
// Note the ids the schema types as strings: default_billing / default_shipping ("2").
// Read leniently (lib/magento/validate.ts validateLeniently): only the fields in
// CUSTOMER_STRICT_FIELDS must be readable; what the schema calls required is nullable elsewhere,
// as real stores send null there (a country without regions: region_code/region null, region_id 0).

export const customerRegionSchema = z.looseObject({
  region_code: optional(z.string()),
  region: optional(z.string()),
  region_id: optional(int),
  extension_attributes: optional(looseRecord),
});

export const customerAddressSchema = z.looseObject({
  id: optional(int),
  customer_id: optional(int),
  region: optional(customerRegionSchema),
  region_id: optional(int),
  country_id: optional(z.string()),
  street: optional(z.array(z.string())),
  company: optional(z.string()),
  telephone: optional(z.string()),
  fax: optional(z.string()),
  postcode: optional(z.string()),
  city: optional(z.string()),
  firstname: optional(z.string()),
  lastname: optional(z.string()),
  middlename: optional(z.string()),
  prefix: optional(z.string()),
  suffix: optional(z.string()),
  vat_id: optional(z.string()),
  default_shipping: optional(z.boolean()),
  default_billing: optional(z.boolean()),
  extension_attributes: optional(looseRecord),
  custom_attributes: optional(z.array(customAttributeSchema)),
});

/** customer-data-customer-extension-interface: `is_subscribed` is the newsletter state. The B2B
 * company blocks are kept as they came. */
export const customerExtensionSchema = z.looseObject({
  company_attributes: optional(looseRecord),
  all_company_attributes: optional(z.array(looseRecord)),
  is_subscribed: optional(z.boolean()),
  assistance_allowed: optional(int),
});

export const customerSchema = z.looseObject({
  id: optional(int),
  group_id: optional(int),
  default_billing: optional(z.string()),
  default_shipping: optional(z.string()),
  confirmation: optional(z.string()),
  created_at: optional(dateTime),
  updated_at: optional(dateTime),
  created_in: optional(z.string()),
  dob: optional(dateOnly),
  email: optional(z.string()),
  firstname: optional(z.string()),
  lastname: optional(z.string()),
  middlename: optional(z.string()),
  prefix: optional(z.string()),
  suffix: optional(z.string()),
  gender: optional(int),
  store_id: optional(int),
  taxvat: optional(z.string()),
  website_id: optional(int),
  addresses: optional(z.array(customerAddressSchema)),
  disable_auto_group_change: optional(int),
  extension_attributes: optional(customerExtensionSchema),
  custom_attributes: optional(z.array(customAttributeSchema)),
});

/** A customer's identity, links (website, store, group) and paging timestamps. */
export const CUSTOMER_STRICT_FIELDS: ReadonlySet<string> = new Set([
  "id",
  "website_id",
  "store_id",
  "group_id",
  "created_at",
  "updated_at",
]);

export const customerGroupSchema = z.looseObject({
  id: optional(int),
  code: optional(z.string()),
  tax_class_id: optional(int),
  tax_class_name: optional(z.string()),
  extension_attributes: optional(z.looseObject({ exclude_website_ids: optional(z.array(int)) })),
});

/** A customer as Magento sends it (dates as text): the shape to PUT back whole. */
export type MagentoCustomerWire = z.input<typeof customerSchema>;
export type MagentoCustomer = z.output<typeof customerSchema>;
export type MagentoCustomerAddress = z.output<typeof customerAddressSchema>;
export type MagentoCustomerGroup = z.output<typeof customerGroupSchema>;
