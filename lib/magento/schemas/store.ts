import { z } from "zod";
import { int, looseRecord, optional } from "./primitives";

// Store structure: websites → store groups → store views, plus each view's configuration.
// Definitions: store-data-website-interface, store-data-group-interface,
// store-data-store-interface, store-data-store-config-interface.

export const websiteSchema = z.looseObject({
  id: int,
  code: z.string(),
  name: z.string(),
  default_group_id: int,
  extension_attributes: optional(looseRecord),
});

export const storeGroupSchema = z.looseObject({
  id: int,
  website_id: int,
  root_category_id: int,
  default_store_id: int,
  name: z.string(),
  code: z.string(),
  extension_attributes: optional(looseRecord),
});

export const storeViewSchema = z.looseObject({
  id: int,
  code: z.string(),
  name: z.string(),
  website_id: int,
  store_group_id: int,
  is_active: int,
  extension_attributes: optional(looseRecord),
});

export const storeConfigSchema = z.looseObject({
  id: int,
  code: z.string(),
  website_id: int,
  locale: z.string(),
  base_currency_code: z.string(),
  default_display_currency_code: z.string(),
  timezone: z.string(),
  weight_unit: z.string(),
  base_url: z.string(),
  base_link_url: z.string(),
  base_static_url: z.string(),
  base_media_url: z.string(),
  secure_base_url: z.string(),
  secure_base_link_url: z.string(),
  secure_base_static_url: z.string(),
  secure_base_media_url: z.string(),
  extension_attributes: optional(looseRecord),
});

export type MagentoWebsite = z.output<typeof websiteSchema>;
export type MagentoStoreGroup = z.output<typeof storeGroupSchema>;
export type MagentoStoreView = z.output<typeof storeViewSchema>;
export type MagentoStoreConfig = z.output<typeof storeConfigSchema>;
