import type { z } from "zod";
import { CART_STRICT_FIELDS, cartSchema } from "./schemas/cart";
import { productSchema } from "./schemas/catalog";
import { CREDIT_MEMO_STRICT_FIELDS, creditMemoSchema } from "./schemas/creditmemo";
import { CUSTOMER_STRICT_FIELDS, customerGroupSchema, customerSchema } from "./schemas/customer";
import { ORDER_STRICT_FIELDS, orderSchema } from "./schemas/order";

// The search routes the client pages through: route, record schema, the field that identifies a
// record in answers (for de-duplication) and the field to sort on for a stable order. Synced
// entities name their strict fields: the rest of a record is read leniently (validateLeniently).

export const SEARCH_ENTITIES = {
  customers: {
    path: "/V1/customers/search",
    schema: customerSchema,
    idField: "id",
    sortField: "entity_id",
    strict: CUSTOMER_STRICT_FIELDS,
  },
  customerGroups: { path: "/V1/customerGroups/search", schema: customerGroupSchema, idField: "id", sortField: "id", strict: undefined },
  carts: { path: "/V1/carts/search", schema: cartSchema, idField: "id", sortField: "entity_id", strict: CART_STRICT_FIELDS },
  products: { path: "/V1/products", schema: productSchema, idField: "id", sortField: "entity_id", strict: undefined },
  orders: { path: "/V1/orders", schema: orderSchema, idField: "entity_id", sortField: "entity_id", strict: ORDER_STRICT_FIELDS },
  creditMemos: {
    path: "/V1/creditmemos",
    schema: creditMemoSchema,
    idField: "entity_id",
    sortField: "entity_id",
    strict: CREDIT_MEMO_STRICT_FIELDS,
  },
} as const;

export type SearchEntity = keyof typeof SEARCH_ENTITIES;
export type SearchRecord<E extends SearchEntity> = z.output<(typeof SEARCH_ENTITIES)[E]["schema"]>;

/** A record's id by the entity's id field; null when missing (e.g. left out by a projection). */
export function searchRecordId(entity: SearchEntity, record: unknown): string | number | null {
  const value = (record as Record<string, unknown> | null)?.[SEARCH_ENTITIES[entity].idField];
  return typeof value === "number" || typeof value === "string" ? value : null;
}
