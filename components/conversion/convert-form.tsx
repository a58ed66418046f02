"use client";

import Link from "next/link";
import { useState, useTransition } from "react";
import { TotalsTable } from "@/components/detail/totals-table";
import { Money } from "@/components/detail/money";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import type { ActionResult } from "@/lib/auth/action";
import type { AddressInput } from "@/lib/customers/address";
import type { AddressOption, CountryOption, Review, ShippingOption } from "@/lib/carts/conversion/options";
import type { PlacedOrder } from "@/lib/carts/conversion/place-order";

// The "Convert to order" form: address → shipping methods Magento estimates → payment methods and
// totals Magento computes → place. Every step is a server action; the nonce stays the same for
// the whole form, so a double click or a retry is the same attempt on the server.

type Action<T> = (previous: null, formData: FormData) => Promise<ActionResult<T>>;

type Props = {
  cartId: number;
  nonce: string;
  currency: string | null;
  countries: CountryOption[];
  addresses: AddressOption[];
  actions: { estimate: Action<ShippingOption[]>; review: Action<Review>; place: Action<PlacedOrder> };
};

const EMPTY: AddressInput = { firstname: "", lastname: "", street1: "", city: "", postcode: "", countryId: "US", telephone: "" };
type Errors = Record<string, string[] | undefined>;

export function ConvertForm({ cartId, nonce, currency, countries, addresses, actions }: Props) {
  const [choice, setChoice] = useState(addresses[0]?.key ?? "new");
  const [address, setAddress] = useState<AddressInput>(addresses[0]?.address ?? EMPTY);
  const [methods, setMethods] = useState<ShippingOption[] | null>(null);
  const [shipping, setShipping] = useState("");
  const [review, setReview] = useState<Review | null>(null);
  const [payment, setPayment] = useState("");
  const [poNumber, setPoNumber] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [placed, setPlaced] = useState<{ order: PlacedOrder; message: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const country = countries.find((c) => c.id === address.countryId);

  function edit(change: Partial<AddressInput>) {
    setAddress((a) => ({ ...a, ...change }));
    // A different address may change what ships and what it costs: ask Magento again.
    setMethods(null);
    setReview(null);
  }

  function pickAddress(key: string) {
    setChoice(key);
    edit(addresses.find((a) => a.key === key)?.address ?? EMPTY);
  }

  function formData(extra: Record<string, string> = {}): FormData {
    const data = new FormData();
    data.set("cartId", String(cartId));
    for (const [k, v] of Object.entries(address)) if (v !== undefined) data.set(k, v);
    const [carrierCode = "", methodCode = ""] = shipping.split("|");
    data.set("carrierCode", carrierCode);
    data.set("methodCode", methodCode);
    for (const [k, v] of Object.entries(extra)) data.set(k, v);
    return data;
  }

  function run<T>(action: Action<T>, data: FormData, done: (result: Extract<ActionResult<T>, { ok: true }>) => void) {
    setMessage(null);
    startTransition(async () => {
      const result = await action(null, data);
      if (result.ok) {
        setErrors({});
        done(result);
      } else {
        setErrors(result.fieldErrors ?? {});
        setMessage(result.error);
      }
    });
  }

  const getMethods = () =>
    run(actions.estimate, formData(), (r) => {
      setMethods(r.data ?? []);
      setShipping("");
      setReview(null);
    });
  const getReview = () =>
    run(actions.review, formData(), (r) => {
      setReview(r.data ?? null);
      setPayment("");
    });
  const place = () => {
    if (pending || placed) return;
    run(actions.place, formData({ nonce, paymentMethod: payment, poNumber }), (r) =>
      setPlaced({ order: r.data!, message: r.message ?? "Order placed." }),
    );
  };

  if (placed) {
    return (
      <div role="status" className="rounded-md bg-green-50 p-4 text-sm text-green-900 ring-1 ring-green-200">
        <p className="font-medium">{placed.message}</p>
        <p className="mt-1">
          Total <Money value={placed.order.grandTotal} currency={placed.order.currency} />.{" "}
          {placed.order.localId !== null ? (
            <Link href={`/sales/orders/${placed.order.localId}`} className="font-medium text-brand-700 hover:underline">
              Open order #{placed.order.incrementId}
            </Link>
          ) : null}
        </p>
      </div>
    );
  }

  const fieldError = (name: string) => errors[name];
  return (
    <form className="space-y-8" onSubmit={(e) => e.preventDefault()} aria-busy={pending}>
      {message ? (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm font-medium text-red-800 ring-1 ring-red-200">
          {message}
        </p>
      ) : null}

      <fieldset className="space-y-4">
        <legend className="text-base font-semibold text-slate-900">1. Shipping address</legend>
        <SelectField
          label="Address"
          name="addressChoice"
          value={choice}
          onChange={(e) => pickAddress(e.target.value)}
          options={[...addresses.map((a) => ({ value: a.key, label: a.label })), { value: "new", label: "A new address" }]}
          errors={fieldError("address")}
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="First name"
            name="firstname"
            value={address.firstname}
            onChange={(e) => edit({ firstname: e.target.value })}
            errors={fieldError("firstname")}
            autoComplete="off"
          />
          <TextField
            label="Last name"
            name="lastname"
            value={address.lastname}
            onChange={(e) => edit({ lastname: e.target.value })}
            errors={fieldError("lastname")}
            autoComplete="off"
          />
          <TextField
            label="Street"
            name="street1"
            value={address.street1}
            onChange={(e) => edit({ street1: e.target.value })}
            errors={fieldError("street1")}
            autoComplete="off"
          />
          <TextField
            label="Street (line 2)"
            name="street2"
            value={address.street2 ?? ""}
            onChange={(e) => edit({ street2: e.target.value })}
            autoComplete="off"
          />
          <TextField
            label="City"
            name="city"
            value={address.city}
            onChange={(e) => edit({ city: e.target.value })}
            errors={fieldError("city")}
            autoComplete="off"
          />
          <TextField
            label="Postcode"
            name="postcode"
            value={address.postcode}
            onChange={(e) => edit({ postcode: e.target.value })}
            errors={fieldError("postcode")}
            autoComplete="off"
          />
          <SelectField
            label="Country"
            name="countryId"
            value={address.countryId}
            onChange={(e) => edit({ countryId: e.target.value, regionId: "", region: "" })}
            options={countries.map((c) => ({ value: c.id, label: c.name }))}
            errors={fieldError("countryId")}
          />
          {country && country.regions.length > 0 ? (
            <SelectField
              label="Region"
              name="regionId"
              value={address.regionId ?? ""}
              onChange={(e) => edit({ regionId: e.target.value })}
              options={[{ value: "", label: "Choose a region" }, ...country.regions.map((r) => ({ value: r.id, label: r.name }))]}
              errors={fieldError("regionId")}
            />
          ) : (
            <TextField
              label="Region"
              name="region"
              value={address.region ?? ""}
              onChange={(e) => edit({ region: e.target.value })}
              errors={fieldError("regionId")}
              autoComplete="off"
            />
          )}
          <TextField
            label="Telephone"
            name="telephone"
            value={address.telephone}
            onChange={(e) => edit({ telephone: e.target.value })}
            errors={fieldError("telephone")}
            autoComplete="off"
          />
        </div>
        <Button variant="secondary" onClick={getMethods} disabled={pending}>
          Get shipping methods
        </Button>
      </fieldset>

      {methods ? (
        <fieldset className="space-y-3" aria-describedby={fieldError("shippingMethod") ? "shippingMethod-error" : undefined}>
          <legend className="text-base font-semibold text-slate-900">2. Shipping method</legend>
          {methods.map((m) => {
            const value = `${m.carrierCode}|${m.methodCode}`;
            return (
              <label key={value} className="flex items-center gap-3 text-sm text-slate-800">
                <input
                  type="radio"
                  name="shipping"
                  value={value}
                  checked={shipping === value}
                  disabled={!m.available}
                  onChange={() => {
                    setShipping(value);
                    setReview(null);
                  }}
                />
                <span>{m.title}</span>
                <Money value={m.amount} currency={currency} className="font-medium" />
                {m.error ? <span className="text-xs text-red-700">{m.error}</span> : null}
              </label>
            );
          })}
          {fieldError("shippingMethod") ? (
            <p id="shippingMethod-error" role="alert" className="text-xs font-medium text-red-700">
              {fieldError("shippingMethod")!.join(" ")}
            </p>
          ) : null}
          <Button variant="secondary" onClick={getReview} disabled={pending || !shipping}>
            Review totals
          </Button>
        </fieldset>
      ) : null}

      {review ? (
        <fieldset className="space-y-3">
          <legend className="text-base font-semibold text-slate-900">3. Payment and totals</legend>
          {review.paymentMethods.map((p) => (
            <label key={p.code} className="flex items-center gap-3 text-sm text-slate-800">
              <input type="radio" name="paymentMethod" value={p.code} checked={payment === p.code} onChange={() => setPayment(p.code)} />
              <span>{p.title}</span>
            </label>
          ))}
          {fieldError("paymentMethod") ? (
            <p role="alert" className="text-xs font-medium text-red-700">
              {fieldError("paymentMethod")!.join(" ")}
            </p>
          ) : null}
          {payment === "purchaseorder" ? (
            <TextField
              label="Purchase order number"
              name="poNumber"
              value={poNumber}
              onChange={(e) => setPoNumber(e.target.value)}
              errors={fieldError("poNumber")}
              autoComplete="off"
            />
          ) : null}
          <div className="max-w-sm">
            <TotalsTable
              caption="Order totals as Magento computes them"
              currency={review.totals.currency ?? currency}
              rows={[
                { label: "Subtotal", value: review.totals.subtotal },
                { label: "Shipping", value: review.totals.shipping },
                ...(review.totals.discount && review.totals.discount !== "0" ? [{ label: "Discount", value: review.totals.discount }] : []),
                { label: "Tax", value: review.totals.tax },
                { label: "Grand total", value: review.totals.grandTotal, emphasis: true },
              ]}
            />
          </div>
          {fieldError("cart") ? (
            <p role="alert" className="text-sm font-medium text-red-700">
              {fieldError("cart")!.join(" ")}
            </p>
          ) : null}
          <Button onClick={place} disabled={pending || !payment}>
            {pending ? "Placing order…" : "Place order"}
          </Button>
        </fieldset>
      ) : null}
    </form>
  );
}
