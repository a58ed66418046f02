import { z } from "zod";
import { int, optional } from "./primitives";

// The search-result envelope shared by every `*-search-result(s)-interface`:
// { items, search_criteria, total_count }. Items are validated one by one elsewhere
// (lib/magento/validate.ts), so here they are only "an array". The `search_criteria` echo is
// not relied on (2.4.4 drops page_size from it in some cases, magento/magento2#35310).

export const searchEnvelopeSchema = z.looseObject({
  items: z.array(z.unknown()),
  search_criteria: optional(z.looseObject({})),
  total_count: int.nonnegative(),
});

/** With a `fields=` projection Magento sends only what was asked for, so `total_count` (and
 * `search_criteria`) may be missing. */
export const projectedSearchEnvelopeSchema = searchEnvelopeSchema.extend({
  total_count: optional(int.nonnegative()),
});
