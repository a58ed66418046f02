import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import type { SessionUser } from "@/lib/auth/session";
import type { CartAddressInput, MagentoCartAddress, MagentoCartTotals } from "@/lib/magento/schemas/cart";
import { checkAddress, type AddressInput } from "@/lib/customers/address";
import { channelClient, customerAddresses, loadConvertibleCart, type ClientFactory, type ConvertibleCart } from "./context";
import { isUnclear, refusalOf } from "./refusals";

// What the "Convert to order" form offers, each step asked of Magento: countries and regions,
// shipping methods estimated for the chosen address, payment methods and totals once shipping
// is set. Prices and totals stay Magento's (decimal strings), never recomputed here.

export type CountryOption = { id: string; name: string; regions: { id: string; name: string }[] };
export type AddressOption = { key: string; label: string; address: AddressInput };
export type ShippingOption = {
  carrierCode: string;
  methodCode: string;
  title: string;
  amount: string;
  available: boolean;
  error: string | null;
};
export type PaymentOption = { code: string; title: string };
export type ReviewTotals = {
  subtotal: string | null;
  shipping: string | null;
  discount: string | null;
  tax: string | null;
  grandTotal: string | null;
  currency: string | null;
};

export type StepResult<T> = { ok: true; data: T } | { ok: false; error: string; fieldErrors: Record<string, string[]> };

type Options = { client?: ClientFactory };

export type ConversionForm = {
  cart: ConvertibleCart;
  countries: CountryOption[];
  addresses: AddressOption[];
  /** One per opened form: a retry of the same form is the same attempt (see place-order.ts). */
  nonce: string;
};

export async function loadConversionForm(
  db: Db,
  user: SessionUser | null,
  cartId: number,
  options: Options = {},
): Promise<StepResult<ConversionForm>> {
  const loaded = await loadConvertibleCart(db, user, cartId);
  if (!loaded.ok) return { ok: false, error: loaded.message, fieldErrors: {} };
  const { cart } = loaded;
  const client = (options.client ?? channelClient)(cart.channel);
  try {
    const [countries, magentoCart, saved] = await Promise.all([
      client.listCountries(),
      client.getCart(cart.originId),
      customerAddresses(db, cart.customerId),
    ]);
    const addresses: AddressOption[] = [];
    const own = fromCartAddress(magentoCart.billing_address);
    if (own) addresses.push({ key: "cart", label: `Cart's address: ${describe(own)}`, address: own });
    for (const a of saved) {
      const address: AddressInput = {
        firstname: a.firstName ?? "",
        lastname: a.lastName ?? "",
        company: a.company ?? undefined,
        street1: a.street?.[0] ?? "",
        street2: a.street?.[1] ?? undefined,
        city: a.city ?? "",
        postcode: a.postcode ?? "",
        countryId: a.countryId ?? "",
        regionId: a.regionOriginId === null ? undefined : String(a.regionOriginId),
        region: a.region ?? undefined,
        telephone: a.telephone ?? "",
      };
      const flag = a.isDefaultShipping ? " (default shipping)" : "";
      addresses.push({ key: `customer:${a.id}`, label: `Customer's address${flag}: ${describe(address)}`, address });
    }
    return {
      ok: true,
      data: {
        cart,
        countries: countries
          .map((c) => ({
            id: c.id,
            name: c.full_name_english || c.id,
            regions: (c.available_regions ?? []).map((r) => ({ id: r.id, name: r.name })),
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
        addresses,
        nonce: randomUUID(),
      },
    };
  } catch (error) {
    return magentoFailure(error);
  }
}

function fromCartAddress(a: MagentoCartAddress | null | undefined): AddressInput | null {
  if (!a || !a.country_id || !a.street?.length || !a.city) return null;
  return {
    firstname: a.firstname ?? "",
    lastname: a.lastname ?? "",
    company: a.company ?? undefined,
    street1: a.street[0] ?? "",
    street2: a.street[1] ?? undefined,
    city: a.city,
    postcode: a.postcode ?? "",
    countryId: a.country_id,
    regionId: a.region_id ? String(a.region_id) : undefined,
    region: a.region ?? undefined,
    telephone: a.telephone ?? "",
  };
}

function describe(a: AddressInput): string {
  return [a.street1, a.city, a.postcode, a.countryId].filter(Boolean).join(", ");
}

export async function estimateShipping(
  db: Db,
  user: SessionUser | null,
  cartId: number,
  input: AddressInput,
  options: Options = {},
): Promise<StepResult<ShippingOption[]>> {
  return withCheckedAddress(db, user, cartId, input, options, async ({ cart, client, address }) => {
    const methods = await client.estimateShippingMethods(cart.originId, address);
    if (methods.length === 0)
      return {
        ok: false,
        error: "Magento offers no shipping method for this address.",
        fieldErrors: { address: ["No shipping method ships here."] },
      };
    return {
      ok: true,
      data: methods.map((m) => ({
        carrierCode: m.carrier_code,
        methodCode: m.method_code ?? "",
        title: [m.carrier_title, m.method_title].filter(Boolean).join(" – "),
        amount: m.amount,
        available: m.available,
        error: m.error_message || null,
      })),
    };
  });
}

export type Review = { paymentMethods: PaymentOption[]; totals: ReviewTotals };

/** Sets shipping address and method on the Magento cart; Magento answers with payments and totals. */
export async function reviewOrder(
  db: Db,
  user: SessionUser | null,
  cartId: number,
  input: AddressInput,
  shipping: { carrierCode: string; methodCode: string },
  options: Options = {},
): Promise<StepResult<Review>> {
  return withCheckedAddress(db, user, cartId, input, options, async ({ cart, client, address }) => {
    const details = await client.setShippingInformation(cart.originId, {
      shipping_address: address,
      billing_address: address,
      shipping_carrier_code: shipping.carrierCode,
      shipping_method_code: shipping.methodCode,
    });
    return {
      ok: true,
      data: { paymentMethods: details.payment_methods.map((p) => ({ code: p.code, title: p.title })), totals: totalsOf(details.totals) },
    };
  });
}

type CheckedStep = { cart: ConvertibleCart; client: ReturnType<ClientFactory>; address: CartAddressInput };

/** The steps after the address: the cart still convertible, the address checked against Magento's directory, Magento's refusals on their field. */
async function withCheckedAddress<T>(
  db: Db,
  user: SessionUser | null,
  cartId: number,
  input: AddressInput,
  options: Options,
  step: (checked: CheckedStep) => Promise<StepResult<T>>,
): Promise<StepResult<T>> {
  const loaded = await loadConvertibleCart(db, user, cartId);
  if (!loaded.ok) return { ok: false, error: loaded.message, fieldErrors: {} };
  const client = (options.client ?? channelClient)(loaded.cart.channel);
  try {
    const checked = checkAddress(input, await client.listCountries(), loaded.cart.email);
    if (!checked.ok) return { ok: false, error: "Please correct the address.", fieldErrors: checked.fieldErrors };
    return await step({ cart: loaded.cart, client, address: checked.address });
  } catch (error) {
    return magentoFailure(error);
  }
}

export function totalsOf(t: MagentoCartTotals): ReviewTotals {
  return {
    subtotal: t.subtotal ?? null,
    shipping: t.shipping_amount ?? null,
    discount: t.discount_amount ?? null,
    tax: t.tax_amount ?? null,
    grandTotal: t.grand_total ?? null,
    currency: t.quote_currency_code ?? null,
  };
}

/** A Magento refusal on its field; anything else as a form-level message (never a token or trace). */
export function magentoFailure(error: unknown): { ok: false; error: string; fieldErrors: Record<string, string[]> } {
  const refusal = refusalOf(error);
  if (refusal) return { ok: false, error: refusal.message, fieldErrors: { [refusal.field]: [refusal.message] } };
  if (isUnclear(error)) return { ok: false, error: "Magento did not answer in time; nothing was changed. Try again.", fieldErrors: {} };
  throw error;
}
