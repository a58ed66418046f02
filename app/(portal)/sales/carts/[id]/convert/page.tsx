import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ConvertForm } from "@/components/conversion/convert-form";
import { ItemsTable } from "@/components/detail/items-table";
import { DetailSection } from "@/components/detail/section";
import { getDb } from "@/db/client";
import { requirePagePermission } from "@/lib/auth/session";
import { linkedOrder } from "@/lib/carts/conversion/context";
import { loadConversionForm } from "@/lib/carts/conversion/options";
import { loadCartDetail } from "@/lib/carts/detail";
import { parseDetailId } from "@/lib/records/meta";
import { estimateShippingAction, placeOrderAction, reviewOrderAction } from "./actions";

export const metadata: Metadata = { title: "Convert cart to order" };

type Props = { params: Promise<{ id: string }> };

export default async function ConvertCartPage({ params }: Props) {
  const user = await requirePagePermission("convert_carts");
  const id = parseDetailId((await params).id);
  if (id === null) notFound();
  const db = await getDb();
  const detail = await loadCartDetail(db, user, id);
  if (!detail) notFound();
  const form = await loadConversionForm(db, user, id);
  const order = form.ok ? null : await linkedOrder(db, user, id, detail.cart.orderId);

  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">
          <Link href={`/sales/carts/${id}`} className="text-brand-700 hover:underline">
            Cart {detail.cart.originId}
          </Link>{" "}
          · {detail.channel.name}
        </p>
        <h1 className="mt-1 text-2xl font-semibold text-slate-900">Convert cart {detail.cart.originId} to an order</h1>
        <p className="mt-1 text-sm text-slate-600">
          For {detail.customer?.name ?? detail.customer?.email ?? detail.cart.customerEmail ?? "a guest"}. The order is placed in Magento;
          shipping methods, payment methods and totals are Magento&apos;s own.
        </p>
      </div>
      <DetailSection title="Items">
        <ItemsTable
          caption={`Items of cart ${detail.cart.originId}`}
          currency={detail.cart.currencyCode}
          items={detail.items
            .filter((i) => i.removedAt === null)
            .map((item) => ({
              key: item.id,
              sku: item.sku,
              name: item.name,
              qty: item.qty,
              price: item.price,
              rowTotal: item.rowTotal,
              removed: false,
            }))}
        />
      </DetailSection>
      <DetailSection title="Order details">
        {form.ok ? (
          <ConvertForm
            cartId={id}
            nonce={form.data.nonce}
            currency={detail.cart.currencyCode}
            countries={form.data.countries}
            addresses={form.data.addresses}
            actions={{ estimate: estimateShippingAction, review: reviewOrderAction, place: placeOrderAction }}
          />
        ) : (
          <div role="alert" className="text-sm text-slate-700">
            <p className="font-medium">{form.error}</p>
            {order ? (
              <Link href={`/sales/orders/${order.id}`} className="mt-2 inline-block font-medium text-brand-700 hover:underline">
                Open order #{order.incrementId}
              </Link>
            ) : null}
          </div>
        )}
      </DetailSection>
    </div>
  );
}
