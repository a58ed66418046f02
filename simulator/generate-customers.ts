// Invented people for the generated store and its guests: names, unique emails, postal addresses
// by country, and whole customers with their address books.
import { CITIES, COMPANIES, COUNTRY_BY_ID, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, STREETS } from "./data";
import { toCustomerAddress } from "./addresses";
import type { Random } from "./random";
import { storeView } from "./render";
import type { MagentoStore } from "./store";
import type { Customer, CustomerAddress, PostalAddress } from "./types";
import { formatDate, pad, stripAccents } from "./util";

export function randomPerson(rng: Random, country: string) {
  const firstname = rng.pick(FIRST_NAMES[country] ?? FIRST_NAMES.US!);
  const lastname = rng.pick(LAST_NAMES[country] ?? LAST_NAMES.US!);
  return { firstname, lastname };
}

export function uniqueEmail(store: MagentoStore, rng: Random, firstname: string, lastname: string, country: string): string {
  const local = stripAccents(`${firstname}.${lastname}`)
    .toLowerCase()
    .replace(/[^a-z.]+/g, "");
  const domain =
    country === "DE" || country === "AT"
      ? rng.pick(["example.de", "example.com"])
      : country === "FR"
        ? rng.pick(["example.fr", "example.com"])
        : rng.pick(EMAIL_DOMAINS.slice(0, 4));
  let email = `${local}@${domain}`;
  for (let n = rng.int(2, 99); store.emails.has(email); n++) email = `${local}${n}@${domain}`;
  return email;
}

export function randomPostal(rng: Random, country: string, person: { firstname: string; lastname: string }, email: string): PostalAddress {
  const cities = CITIES[country] ?? CITIES.US!;
  const [city, regionKey, prefix] = rng.pick(cities);
  const c = COUNTRY_BY_ID.get(country);
  const region = c?.regions?.find((r) => r.code === regionKey);
  const streetName = rng.pick(STREETS[country] ?? STREETS.US!);
  const number = rng.int(1, 250);
  const street =
    country === "US" || country === "GB" || country === "FR" || country === "LU" ? `${number} ${streetName}` : `${streetName} ${number}`;
  let postcode: string;
  if (country === "GB")
    postcode = `${prefix} ${rng.int(1, 9)}${String.fromCharCode(65 + rng.int(0, 25))}${String.fromCharCode(65 + rng.int(0, 25))}`;
  else if (country === "NL")
    postcode = `${prefix}${rng.int(10, 99)} ${String.fromCharCode(65 + rng.int(0, 25))}${String.fromCharCode(65 + rng.int(0, 25))}`;
  else if (country === "AT") postcode = `${prefix}${rng.int(10, 99)}`;
  else if (country === "DK" || country === "LU") postcode = `${prefix}${pad(rng.int(0, 10 ** (4 - prefix.length) - 1), 4 - prefix.length)}`;
  else postcode = `${prefix}${pad(rng.int(0, 10 ** (5 - prefix.length) - 1), 5 - prefix.length)}`;
  const telephone =
    country === "US"
      ? `(${rng.int(201, 989)}) 555-${pad(rng.int(0, 9999), 4)}`
      : country === "DE"
        ? `+49 ${rng.int(30, 89)} ${rng.int(1000000, 9999999)}`
        : country === "AT"
          ? `+43 ${rng.int(1, 9)} ${rng.int(100000, 999999)}`
          : country === "FR"
            ? `+33 ${rng.int(1, 9)} ${pad(rng.int(0, 99), 2)} ${pad(rng.int(0, 99), 2)} ${pad(rng.int(0, 99), 2)} ${pad(rng.int(0, 99), 2)}`
            : country === "GB"
              ? `+44 20 ${rng.int(1000, 9999)} ${rng.int(1000, 9999)}`
              : country === "DK"
                ? `+45 ${rng.int(20, 99)} ${pad(rng.int(0, 99), 2)} ${pad(rng.int(0, 99), 2)} ${pad(rng.int(0, 99), 2)}`
                : country === "LU"
                  ? `+352 ${rng.int(20, 99)} ${pad(rng.int(0, 99), 2)} ${pad(rng.int(0, 99), 2)}`
                  : `+31 ${rng.int(10, 99)} ${rng.int(1000000, 9999999)}`;
  const lines = rng.chance(0.1) ? [street, `Apt ${rng.int(1, 40)}`] : [street];
  return {
    firstname: person.firstname,
    lastname: person.lastname,
    street: lines,
    city,
    postcode,
    countryId: country,
    region: region?.name ?? regionKey,
    regionId: region?.id ?? 0,
    regionCode: region?.code ?? regionKey,
    telephone,
    email,
  };
}

/** A customer's country by store view; about a third of the Europe website lives without regions (NL, DK, LU). */
export function countryForStore(rng: Random, storeId: number): string {
  if (storeId === 2)
    return rng.weighted([
      ["FR", 82],
      ["LU", 8],
      ["US", 3],
      ["GB", 3],
      ["NL", 4],
    ]);
  if (storeId === 3)
    return rng.weighted([
      ["DE", 50],
      ["AT", 15],
      ["NL", 20],
      ["DK", 10],
      ["LU", 5],
    ]);
  return rng.weighted([
    ["US", 84],
    ["GB", 7],
    ["NL", 4],
    ["DK", 2],
    ["DE", 3],
  ]);
}

export function createCustomer(store: MagentoStore, rng: Random, createdAt: number, updatedAt: number): Customer {
  store.changed();
  const storeId = rng.weighted([
    [1, 65],
    [2, 15],
    [3, 20],
  ]);
  const view = storeView(storeId);
  const country = countryForStore(rng, storeId);
  const person = randomPerson(rng, country);
  const email = uniqueEmail(store, rng, person.firstname, person.lastname, country);
  const id = ++store.seq.customer;
  const groupId = rng.weighted([
    [1, 85],
    [2, 8],
    [3, 7],
  ]);
  const addressCount = rng.weighted([
    [1, 60],
    [2, 30],
    [3, 10],
  ]);
  const addresses: CustomerAddress[] = [];
  for (let i = 0; i < addressCount; i++) {
    const postal = randomPostal(rng, i === 0 ? country : rng.chance(0.8) ? country : countryForStore(rng, storeId), person, email);
    if (groupId === 2 && i === 0) postal.company = rng.pick(COMPANIES);
    const address = toCustomerAddress(postal, ++store.seq.address, id);
    addresses.push(address);
    store.addresses.set(address.id, address);
  }
  const billing = addresses[0]!;
  const shipping = addresses.length > 1 && rng.chance(0.25) ? addresses[1]! : billing;
  billing.default_billing = true;
  shipping.default_shipping = true;
  const customer: Customer = {
    id,
    group_id: groupId,
    default_billing: String(billing.id),
    default_shipping: String(shipping.id),
    created_at: formatDate(createdAt),
    updated_at: formatDate(updatedAt),
    created_in: view.name,
    email,
    firstname: person.firstname,
    lastname: person.lastname,
    store_id: storeId,
    website_id: view.websiteId,
    addresses,
    disable_auto_group_change: 0,
    extension_attributes: { is_subscribed: rng.chance(0.25) },
  };
  if (rng.chance(0.4)) {
    customer.dob = `${rng.int(1950, 2004)}-${pad(rng.int(1, 12), 2)}-${pad(rng.int(1, 28), 2)}`;
  }
  if (rng.chance(0.6))
    customer.gender = rng.weighted([
      [1, 45],
      [2, 45],
      [3, 10],
    ]);
  if (groupId === 2 && rng.chance(0.6)) customer.taxvat = `${country}${rng.int(100000000, 999999999)}`;
  store.customers.set(id, customer);
  store.emails.set(email, id);
  return customer;
}
