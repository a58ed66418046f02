import { MagentoHttpError, MagentoNetworkError, MagentoResponseError } from "@/lib/magento/errors";

// Magento's checkout refusals, turned into a message on the form field they concern. Matched on
// Magento's own message texts (Magento sends no error codes); anything else stays form-level.

export type ConversionField =
  | "address"
  | "firstname"
  | "lastname"
  | "street1"
  | "city"
  | "postcode"
  | "countryId"
  | "regionId"
  | "telephone"
  | "shippingMethod"
  | "paymentMethod"
  | "poNumber"
  | "cart";

export type Refusal = { field: ConversionField; message: string };

const ADDRESS_FIELDS: Record<string, ConversionField> = {
  firstname: "firstname",
  lastname: "lastname",
  street: "street1",
  city: "city",
  postcode: "postcode",
  countryid: "countryId",
  country_id: "countryId",
  regionid: "regionId",
  region_id: "regionId",
  region: "regionId",
  telephone: "telephone",
};

/** A Magento refusal as a field message, or null when the error is not a refusal (network, 5xx). */
export function refusalOf(error: unknown): Refusal | null {
  if (!(error instanceof MagentoHttpError) || error.status >= 500 || error.status === 401) return null;
  const text = error.magentoMessage;
  const lower = text.toLowerCase();
  const field = /"([a-z_]+)" is required|for the ([a-z_]+) field/i.exec(text);
  const named = field ? ADDRESS_FIELDS[(field[1] ?? field[2] ?? "").toLowerCase()] : undefined;
  if (named) return { field: named, message: `Magento refused the address: ${text}` };
  if (lower.includes("address")) return { field: "address", message: `Magento refused the address: ${text}` };
  if (lower.includes("carrier") || lower.includes("shipping method")) {
    return { field: "shippingMethod", message: `This shipping method is not available for the cart: ${text}` };
  }
  if (lower.includes("purchase order")) return { field: "poNumber", message: text };
  if (lower.includes("payment method")) return { field: "paymentMethod", message: `Magento refused the payment method: ${text}` };
  if (lower.includes("qty") || lower.includes("stock") || lower.includes("quantity")) {
    return { field: "cart", message: `Some items are no longer available in the quantity asked for: ${text}` };
  }
  if (error.status === 404)
    return { field: "cart", message: "This cart is no longer active in Magento (it was ordered, emptied or changed)." };
  return { field: "cart", message: `Magento refused the order: ${text}` };
}

/** An answer we cannot read as yes or no: the order may or may not exist. */
export function isUnclear(error: unknown): boolean {
  if (error instanceof MagentoNetworkError) return true;
  if (error instanceof MagentoHttpError) return error.status >= 500;
  return error instanceof MagentoResponseError;
}
