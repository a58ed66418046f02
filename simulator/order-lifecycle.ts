// An order's life after it is placed: invoice, ship, cancel, hold and refund (credit memos),
// each leaving a status-history comment and moving the order's updated_at.
import { convert, refundShare } from "./pricing";
import type { Random } from "./random";
import type { MagentoStore } from "./store";
import type { Creditmemo, Order, OrderItem } from "./types";
import { formatDate, parseDate, roundCents } from "./util";

/** Refund the shipping too, adjustments in base cents, a comment on the memo. */
export type RefundOptions = { shipping?: boolean; adjustmentPositive?: number; adjustmentNegative?: number; comment?: string };

export function touchOrder(store: MagentoStore, o: Order, at: number) {
  store.changed();
  o.updatedAt = formatDate(Math.max(at, parseDate(o.updatedAt)));
  o.header = undefined;
}

export function invoice(store: MagentoStore, o: Order, at: number) {
  store.changed();
  o.invoiced = true;
  for (const i of o.items) i.qtyInvoiced = i.qty;
  o.state = "processing";
  o.status = "processing";
  o.history.push({
    comment: `Invoice #${o.incrementId} created.`,
    status: "processing",
    createdAt: formatDate(at),
    notified: 1,
    visible: 0,
  });
  touchOrder(store, o, at);
}

export function ship(store: MagentoStore, o: Order, at: number) {
  store.changed();
  for (const i of o.items) i.qtyShipped = i.qty - i.qtyRefunded;
  o.state = "complete";
  o.status = "complete";
  o.history.push({ comment: "Shipment created.", status: "complete", createdAt: formatDate(at), notified: 1, visible: 1 });
  touchOrder(store, o, at);
}

export function cancel(store: MagentoStore, o: Order, at: number) {
  store.changed();
  o.canceled = true;
  for (const i of o.items) i.qtyCanceled = i.qty;
  o.state = "canceled";
  o.status = "canceled";
  o.history.push({
    comment: "Order canceled at the customer's request.",
    status: "canceled",
    createdAt: formatDate(at),
    notified: 1,
    visible: 1,
  });
  touchOrder(store, o, at);
}

export function hold(store: MagentoStore, o: Order, at: number) {
  store.changed();
  o.holdBeforeState = o.state;
  o.holdBeforeStatus = o.status;
  o.state = "holded";
  o.status = "holded";
  o.history.push({
    comment: "Order put on hold: waiting for the customer's reply.",
    status: "holded",
    createdAt: formatDate(at),
    notified: 0,
    visible: 0,
  });
  touchOrder(store, o, at);
}

/**
 * Refunds lines (qty per order item) plus optionally the shipping, with adjustments (base cents).
 * A refund of everything left closes the order; otherwise its state stays.
 */
export function refund(
  store: MagentoStore,
  o: Order,
  at: number,
  lines: { item: OrderItem; qty: number }[],
  options: RefundOptions = {},
): Creditmemo {
  store.changed();
  const memoId = ++store.seq.memo;
  const items = [];
  const amounts = [];
  for (const { item, qty } of lines) {
    if (qty <= 0) continue;
    const before = item.qtyRefunded;
    amounts.push({
      row: item.price * qty,
      baseRow: item.basePrice * qty,
      discount: refundShare(item.discount, item.qty, before, qty),
      baseDiscount: refundShare(item.baseDiscount, item.qty, before, qty),
      tax: refundShare(item.tax, item.qty, before, qty),
      baseTax: refundShare(item.baseTax, item.qty, before, qty),
    });
    const entityId = ++store.seq.memoItem;
    // Magento refunds a configurable line with a memo item for the child too (zero amounts).
    items.push({
      entityId,
      orderItemId: item.itemId,
      qty,
      backToStock: false,
      ...(item.child ? { childEntityId: ++store.seq.memoItem } : {}),
    });
    item.qtyRefunded += qty;
  }
  const alreadyShipping = o.creditmemoIds.reduce((acc, id) => acc + (store.memos.get(id)?.shipping ?? 0), 0);
  const baseAlreadyShipping = o.creditmemoIds.reduce((acc, id) => acc + (store.memos.get(id)?.baseShipping ?? 0), 0);
  const memo: Creditmemo = {
    entityId: memoId,
    incrementId: store.nextMemoIncrement(o.storeId),
    orderId: o.entityId,
    storeId: o.storeId,
    createdAt: formatDate(at),
    updatedAt: formatDate(at),
    items,
    lines: amounts,
    shipping: options.shipping ? o.shippingAmount - alreadyShipping : 0,
    baseShipping: options.shipping ? o.baseShippingAmount - baseAlreadyShipping : 0,
    adjustmentPositive: convert(options.adjustmentPositive ?? 0, o.rate),
    baseAdjustmentPositive: options.adjustmentPositive ?? 0,
    adjustmentNegative: convert(options.adjustmentNegative ?? 0, o.rate),
    baseAdjustmentNegative: options.adjustmentNegative ?? 0,
    ...(options.comment ? { comment: options.comment } : {}),
  };
  store.memos.set(memoId, memo);
  o.creditmemoIds.push(memoId);
  const everything = o.items.every((i) => i.qtyRefunded >= i.qty);
  if (everything) {
    o.state = "closed";
    o.status = "closed";
  }
  o.history.push({
    comment: `We refunded ${o.currency === "EUR" ? "€" : "$"}${(memoTotal(memo) / 100).toFixed(2)} offline.`,
    status: o.status,
    createdAt: formatDate(at),
    notified: 0,
    visible: 0,
  });
  touchOrder(store, o, at);
  return memo;
}

/** Refunds part of an order: some units of one or two lines, maybe a restocking fee or goodwill. */
export function partialRefund(store: MagentoStore, rng: Random, o: Order, at: number): Creditmemo | undefined {
  store.changed();
  const open = o.items.filter((i) => i.qtyRefunded < i.qty);
  if (open.length === 0) return undefined;
  const totalUnits = o.items.reduce((acc, i) => acc + i.qty, 0);
  const refundedUnits = o.items.reduce((acc, i) => acc + i.qtyRefunded, 0);
  const chosen = rng.sample(open, rng.int(1, Math.min(2, open.length)));
  const lines = chosen.map((item) => ({ item, qty: rng.int(1, item.qty - item.qtyRefunded) }));
  let units = lines.reduce((acc, l) => acc + l.qty, 0);
  // keep it partial: leave at least one unit unrefunded
  if (refundedUnits + units >= totalUnits) {
    const l = lines[0]!;
    l.qty -= 1;
    units -= 1;
    if (l.qty === 0) lines.shift();
    if (units === 0 || lines.length === 0) return undefined;
  }
  const baseRows = lines.reduce((acc, l) => acc + l.item.basePrice * l.qty, 0);
  const fee = rng.chance(0.3) ? Math.min(500, Math.floor(baseRows / 10)) : 0;
  const goodwill = fee === 0 && lines[0]!.item.discountPercent < 50 && rng.chance(0.15) ? 200 : 0;
  return refund(store, o, at, lines, {
    adjustmentNegative: fee,
    adjustmentPositive: goodwill,
    comment: fee ? "Restocking fee applied." : undefined,
  });
}

function memoTotal(m: Creditmemo): number {
  let total = m.shipping + m.adjustmentPositive - m.adjustmentNegative;
  for (const l of m.lines) total += l.row + l.tax - l.discount;
  return roundCents(total);
}
