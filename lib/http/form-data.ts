// The one reader of a posted form: server actions get FormData, zod schemas want an object.

export type FormFields = Record<string, string | string[]>;

/**
 * The posted fields as an object: name → value, or values in order when the name repeats (a
 * grid's selection). Files and Next's own `$ACTION…` fields are left out.
 */
export function readForm(formData: FormData): FormFields {
  const fields: FormFields = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value !== "string" || key.startsWith("$ACTION")) continue;
    // Own keys only: a field named like an Object method ("constructor") is a field like any other.
    fields[key] = Object.hasOwn(fields, key) ? [fields[key]!, value].flat() : value;
  }
  return fields;
}
