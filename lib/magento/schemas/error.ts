import { z } from "zod";
import { int, optional } from "./primitives";

// Magento's error body (definition error-response, required: message). The schema types
// `parameters` as an array of objects, but real bodies send an array of strings for "%1"
// placeholders or an object for "%fieldName" ones (shared/magento/README), so both are accepted.

const errorParametersSchema = z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]);

export const errorItemSchema = z.looseObject({
  message: z.string(),
  parameters: optional(errorParametersSchema),
});

export const errorResponseSchema = z.looseObject({
  message: z.string(),
  errors: optional(z.array(errorItemSchema)),
  code: optional(int),
  parameters: optional(errorParametersSchema),
  /** Only in developer mode. Never shown to users. */
  trace: optional(z.string()),
});

export type MagentoErrorParameters = z.output<typeof errorParametersSchema>;
export type MagentoErrorBody = z.output<typeof errorResponseSchema>;
