import type { Metadata } from "next";
import { randomUUID } from "node:crypto";
import Link from "next/link";
import { notFound } from "next/navigation";
import { NewCartForm } from "@/components/carts/new-cart-form";
import { DetailSection } from "@/components/detail/section";
import { getDb } from "@/db/client";
import { requirePagePermission } from "@/lib/auth/session";
import { loadCartCustomer } from "@/lib/carts/create-cart";
import { parseDetailId } from "@/lib/records/meta";
import { createCartAction, searchProductsAction } from "./actions";

export const metadata: Metadata = { title: "New cart" };

type Props = { params: Promise<{ id: string }> };

export default async function NewCartPage({ params }: Props) {
  const user = await requirePagePermission("convert_carts");
  const id = parseDetailId((await params).id);
  if (id === null) notFound();
  const loaded = await loadCartCustomer(await getDb(), user, id);
  if (!loaded.ok && loaded.message.startsWith("This customer is no longer")) notFound();

  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">
          <Link href={`/customers/${id}`} className="text-brand-700 hover:underline">
            Back to the customer
          </Link>
          {loaded.ok ? <> · {loaded.customer.channel.name}</> : null}
        </p>
        <h1 className="mt-1 text-2xl font-semibold text-slate-900">New cart{loaded.ok ? ` for ${loaded.customer.email}` : ""}</h1>
        <p className="mt-1 text-sm text-slate-600">
          The cart is created in Magento for this customer, then shows in the portal at once; convert it to an order from its page.
        </p>
      </div>
      <DetailSection title="Products">
        {loaded.ok ? (
          <NewCartForm customerId={id} nonce={randomUUID()} actions={{ search: searchProductsAction, create: createCartAction }} />
        ) : (
          <p role="alert" className="text-sm font-medium text-slate-700">
            {loaded.message}
          </p>
        )}
      </DetailSection>
    </div>
  );
}
