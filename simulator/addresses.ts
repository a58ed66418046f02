// Address shapes: a customer's address-book entry and the postal address an order or cart
// carries, converted both ways, and an address as a REST caller sends it.
import { COUNTRY_BY_ID } from "./data";
import type { MagentoStore } from "./store";
import type { CustomerAddress, Json, PostalAddress } from "./types";

export function toCustomerAddress(p: PostalAddress, id: number, customerId: number): CustomerAddress {
  const out: CustomerAddress = {
    id,
    customer_id: customerId,
    // No region in the directory and none typed in: Magento keeps both texts null.
    region:
      p.regionId === 0 && !p.region
        ? { region_code: null, region: null, region_id: 0 }
        : { region_code: p.regionCode, region: p.region, region_id: p.regionId },
    region_id: p.regionId,
    country_id: p.countryId,
    street: p.street.slice(),
    telephone: p.telephone,
    postcode: p.postcode,
    city: p.city,
    firstname: p.firstname,
    lastname: p.lastname,
  };
  if (p.company) out.company = p.company;
  return out;
}

export function fromCustomerAddress(a: CustomerAddress, email: string): PostalAddress {
  return {
    firstname: a.firstname,
    lastname: a.lastname,
    ...(a.company ? { company: a.company } : {}),
    street: a.street.slice(),
    city: a.city,
    postcode: a.postcode,
    countryId: a.country_id,
    region: a.region?.region ?? "",
    regionId: a.region_id ?? 0,
    regionCode: a.region?.region_code ?? "",
    telephone: a.telephone,
    email,
    customerAddressId: a.id,
  };
}

/** An address sent in a customer body: its own id kept when it is already this customer's, else a new one. */
export function addressFromInput(store: MagentoStore, raw: Json, customerId: number): CustomerAddress {
  const region = (raw.region ?? {}) as Json;
  const idIn = typeof raw.id === "number" ? raw.id : undefined;
  const id = idIn !== undefined && store.addresses.get(idIn)?.customer_id === customerId ? idIn : ++store.seq.address;
  const regionId = typeof raw.region_id === "number" ? raw.region_id : typeof region.region_id === "number" ? region.region_id : 0;
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  // A known region id fills in its code and name, as Magento's directory does; no region stays null.
  const known = regionId > 0 ? COUNTRY_BY_ID.get(String(raw.country_id ?? ""))?.regions?.find((r) => r.id === regionId) : undefined;
  const out: CustomerAddress = {
    id,
    customer_id: customerId,
    region: {
      region_code: known?.code ?? text(region.region_code),
      region: known?.name ?? text(region.region),
      region_id: regionId,
    },
    region_id: regionId,
    country_id: String(raw.country_id ?? ""),
    street: Array.isArray(raw.street) ? raw.street.map(String) : [],
    telephone: String(raw.telephone ?? ""),
    postcode: String(raw.postcode ?? ""),
    city: String(raw.city ?? ""),
    firstname: String(raw.firstname ?? ""),
    lastname: String(raw.lastname ?? ""),
  };
  if (typeof raw.company === "string") out.company = raw.company;
  if (raw.default_billing === true) out.default_billing = true;
  if (raw.default_shipping === true) out.default_shipping = true;
  return out;
}
