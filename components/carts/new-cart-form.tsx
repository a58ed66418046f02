"use client";

import { useRouter } from "next/navigation";
import Link from "next/link";
import { useState, useTransition } from "react";
import { Money } from "@/components/detail/money";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/auth/action";
import type { ProductHit } from "@/lib/carts/products";

// "New cart": search Magento's products, add lines with quantities, create the cart. The nonce
// stays the same for the whole form, so a double submit is the same attempt on the server.

type Action<T> = (previous: null, formData: FormData) => Promise<ActionResult<T>>;
type Line = { sku: string; name: string; price: string | null; currency: string | null; qtyDecimal: boolean; qty: string };
type Errors = Record<string, string[] | undefined>;

type Props = {
  customerId: number;
  nonce: string;
  actions: { search: Action<ProductHit[]>; create: Action<{ cartId: number | null; magentoCartId: number }> };
};

export function NewCartForm({ customerId, nonce, actions }: Props) {
  const router = useRouter();
  const [term, setTerm] = useState("");
  const [hits, setHits] = useState<ProductHit[] | null>(null);
  const [lines, setLines] = useState<Line[]>([]);
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [existingCart, setExistingCart] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function search(event: React.FormEvent) {
    event.preventDefault();
    const data = new FormData();
    data.set("customerId", String(customerId));
    data.set("q", term);
    setMessage(null);
    startTransition(async () => {
      const result = await actions.search(null, data);
      if (result.ok) {
        setHits(result.data ?? []);
        setErrors({});
      } else {
        setHits(null);
        setErrors(result.fieldErrors ?? {});
        setMessage(result.error);
      }
    });
  }

  function add(hit: ProductHit) {
    setLines((ls) =>
      ls.some((l) => l.sku === hit.sku)
        ? ls
        : [...ls, { sku: hit.sku, name: hit.name, price: hit.price, currency: hit.currency, qtyDecimal: hit.qtyDecimal, qty: "1" }],
    );
  }

  function create() {
    const data = new FormData();
    data.set("customerId", String(customerId));
    data.set("nonce", nonce);
    for (const line of lines) {
      data.append("sku", line.sku);
      data.append("qty", line.qty);
    }
    setMessage(null);
    setExistingCart(null);
    startTransition(async () => {
      const result = await actions.create(null, data);
      if (result.ok) {
        setMessage(result.message ?? "Cart created.");
        if (result.data?.cartId) router.push(`/sales/carts/${result.data.cartId}`);
      } else {
        setErrors(result.fieldErrors ?? {});
        setMessage(result.error);
        setExistingCart(result.fieldErrors?.existingCart?.[0] ?? null);
      }
    });
  }

  return (
    <div className="space-y-6">
      <form onSubmit={search} className="flex flex-wrap items-end gap-3" role="search">
        <label className="block text-sm">
          <span className="font-medium text-slate-700">SKU or name</span>
          <input
            name="q"
            value={term}
            onChange={(e) => setTerm(e.target.value)}
            minLength={2}
            maxLength={64}
            className="mt-1 block w-72 rounded-md border border-slate-300 px-3 py-2 text-sm"
            aria-describedby="search-error"
          />
        </label>
        <Button type="submit" variant="secondary" disabled={pending}>
          Search
        </Button>
        {errors.q ? (
          <p id="search-error" className="w-full text-sm text-red-700">
            {errors.q[0]}
          </p>
        ) : null}
      </form>

      {hits ? (
        hits.length === 0 ? (
          <p className="text-sm text-slate-600">No products match.</p>
        ) : (
          <table className="w-full text-sm" aria-label="Products found">
            <thead>
              <tr className="text-left text-slate-500">
                <th className="py-1">Product</th>
                <th>SKU</th>
                <th className="text-right">Price</th>
                <th className="text-right">Stock</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {hits.map((hit) => (
                <tr key={hit.sku} className="border-t border-slate-100">
                  <td className="py-1.5">{hit.name}</td>
                  <td className="font-mono">{hit.sku}</td>
                  <td className="text-right">
                    <Money value={hit.price} currency={hit.currency} />
                  </td>
                  <td className="text-right tabular-nums">
                    {hit.inStock ? hit.stockQty : <span className="text-red-700">Out of stock</span>}
                  </td>
                  <td className="pl-3 text-right">
                    <Button
                      type="button"
                      variant="secondary"
                      onClick={() => add(hit)}
                      disabled={!hit.inStock || lines.some((l) => l.sku === hit.sku)}
                      aria-label={`Add ${hit.sku}`}
                    >
                      Add
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}

      <div>
        <h3 className="text-sm font-semibold text-slate-900">Items</h3>
        {lines.length === 0 ? (
          <p className="mt-1 text-sm text-slate-600">No items yet: search for a product and add it.</p>
        ) : (
          <ul className="mt-2 space-y-2">
            {lines.map((line, i) => (
              <li key={line.sku} className="flex flex-wrap items-center gap-3 text-sm">
                <span className="w-64">
                  {line.name} <span className="font-mono text-slate-500">{line.sku}</span>
                </span>
                {line.price !== null ? (
                  <span className="text-slate-600">
                    <Money value={line.price} currency={line.currency} /> each
                  </span>
                ) : null}
                <label className="flex items-center gap-2">
                  <span>Quantity</span>
                  <input
                    name={`qty-${line.sku}`}
                    aria-label={`Quantity of ${line.sku}`}
                    inputMode={line.qtyDecimal ? "decimal" : "numeric"}
                    value={line.qty}
                    onChange={(e) => setLines((ls) => ls.map((l) => (l.sku === line.sku ? { ...l, qty: e.target.value } : l)))}
                    className="w-20 rounded-md border border-slate-300 px-2 py-1"
                    aria-invalid={errors[`items.${i}`] ? true : undefined}
                  />
                </label>
                <Button type="button" variant="secondary" onClick={() => setLines((ls) => ls.filter((l) => l.sku !== line.sku))}>
                  Remove
                </Button>
                {errors[`items.${i}`] ? (
                  <p className="w-full text-red-700" role="alert">
                    {errors[`items.${i}`]![0]}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </div>

      <div className="flex items-center gap-3">
        <Button type="button" onClick={create} disabled={pending || lines.length === 0}>
          Create cart
        </Button>
        {message ? (
          <p role="status" className="text-sm text-slate-700">
            {message}
          </p>
        ) : null}
        {existingCart ? (
          <Link href={`/sales/carts/${existingCart}`} className="text-sm font-medium text-brand-700 hover:underline">
            Open that cart
          </Link>
        ) : null}
      </div>
    </div>
  );
}
