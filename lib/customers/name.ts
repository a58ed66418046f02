// What the portal calls a customer (or the person on an order, a cart or an address): the name
// Magento has, else the email when one is given. One rule in TypeScript and in SQL, so a grid
// cell, a detail page and a list name the same person the same way.

export type NameParts = {
  prefix?: string | null;
  firstName?: string | null;
  middleName?: string | null;
  lastName?: string | null;
  suffix?: string | null;
  /** The fallback when there is no name; leave it out to get null instead. */
  email?: string | null;
};

/**
 * "Jane Doe" from the parts there are (empty ones skipped, the whole trimmed); the email when there
 * is no name and one is given; else null.
 */
export function customerName(parts: NameParts & { email: string }): string;
export function customerName(parts: NameParts): string | null;
export function customerName(parts: NameParts): string | null {
  const name = [parts.prefix, parts.firstName, parts.middleName, parts.lastName, parts.suffix]
    .filter((part): part is string => part != null && part !== "")
    .join(" ")
    .trim();
  return name || (parts.email ?? null);
}

/**
 * customerName in SQL over trusted column expressions (constants of ours, never user input), e.g.
 * customerNameSql("c.first_name", "c.last_name", "c.email"): the name, else the email column when
 * one is given, else NULL.
 */
export function customerNameSql(firstName: string, lastName: string, email?: string): string {
  const name = `nullif(trim(concat_ws(' ', ${firstName}, ${lastName})), '')`;
  return email ? `coalesce(${name}, ${email})` : name;
}
