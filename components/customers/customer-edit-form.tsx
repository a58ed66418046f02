"use client";

import Link from "next/link";
import { startTransition, useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import type { CountryOption } from "@/lib/customers/directory";
import { blankAddress, type AddressDraft, type CustomerDraft, type CustomerEditState } from "@/lib/customers/edit-form";

// The customer edit form (two-way sync): name, email, group, date of birth, gender and the address
// book. It posts to one server action, also without JavaScript (the page comes back with the
// errors and everything as typed). With JavaScript, submitting never resets what was typed, and
// addresses can be added one after another. When the customer cannot be changed from the portal,
// the values are shown as text (not as inputs that only look disabled), with the reason once.

type FormAction = (previous: CustomerEditState | null, formData: FormData) => Promise<CustomerEditState>;

type Props = {
  customerId: number;
  baseToken: string;
  initial: CustomerDraft;
  groups: { originId: number; name: string }[];
  countries: CountryOption[];
  /** Why the country list is missing (Magento did not answer), when it is. */
  directoryError: string | null;
  editable: boolean;
  readOnlyReason: string | null;
  action: FormAction;
};

const GENDERS = [
  { value: "", label: "Not set" },
  { value: "1", label: "Male" },
  { value: "2", label: "Female" },
  { value: "3", label: "Not specified" },
];

const RENDERED_TOP = new Set(["firstname", "lastname", "email", "groupOriginId", "dob", "gender", "defaultBilling", "defaultShipping"]);

function ErrorText({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <p id={id} role="alert" className="mt-1 text-xs font-medium text-red-700">
      {errors.join(" ")}
    </p>
  );
}

export function CustomerEditForm({
  customerId,
  baseToken,
  initial,
  groups,
  countries,
  directoryError,
  editable,
  readOnlyReason,
  action,
}: Props) {
  const [state, submit, pending] = useActionState(action, null);
  // A post without JavaScript renders the page again: show what was typed, not the saved values.
  const draft = state?.submitted ?? initial;
  const [addresses, setAddresses] = useState<AddressDraft[]>(draft.addresses);
  const errors: Record<string, string[] | undefined> = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const addressSlots = new Set(addresses.map((a) => a.slot));
  const unplaced = Object.entries(errors).filter(([key, messages]) => {
    if (!messages?.length || RENDERED_TOP.has(key)) return false;
    const m = /^address\.(\d+)\./.exec(key);
    return !(m && addressSlots.has(Number(m[1])) && key !== `address.${m[1]}.id`);
  });

  const groupOptions = groups.map((g) => ({ value: String(g.originId), label: g.name }));
  if (draft.groupOriginId && !groupOptions.some((g) => g.value === draft.groupOriginId)) {
    groupOptions.push({ value: draft.groupOriginId, label: `Group #${draft.groupOriginId}` });
  }
  if (!draft.groupOriginId) groupOptions.unshift({ value: "", label: "Choose a group" });
  const genders = draft.gender === "0" ? [...GENDERS, { value: "0", label: "Not applicable" }] : GENDERS;

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    // With JavaScript: no form reset after the action, so what was typed stays.
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => submit(data));
  };

  const addAddress = () => {
    const slot = Math.max(-1, ...addresses.map((a) => a.slot)) + 1;
    setAddresses((list) => [...list, { ...blankAddress(slot, list[0]?.countryId ?? ""), remove: false }]);
  };

  if (!editable) {
    return (
      <ReadOnlyCustomer
        customerId={customerId}
        draft={draft}
        group={groupOptions.find((g) => g.value === draft.groupOriginId && g.value !== "")?.label ?? ""}
        gender={draft.gender ? (genders.find((g) => g.value === draft.gender)?.label ?? "") : ""}
        reason={readOnlyReason ?? "This customer cannot be changed from the portal."}
      />
    );
  }

  return (
    <form action={submit} onSubmit={onSubmit} noValidate aria-label="Edit customer" className="space-y-6">
      <input type="hidden" name="customerId" value={customerId} />
      <input type="hidden" name="baseToken" value={baseToken} />

      {state ? (
        <div
          role={state.ok ? "status" : "alert"}
          className={`rounded-md px-4 py-3 text-sm ${state.ok ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-800"}`}
        >
          <p className="font-medium">{state.ok ? state.message : state.error}</p>
          {unplaced.length ? (
            <ul className="mt-1 list-disc pl-5">
              {unplaced.map(([key, messages]) => (
                <li key={key}>{messages!.join(" ")}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <fieldset disabled={pending} className="space-y-6">
        <fieldset className="space-y-4">
          <legend className="text-base font-semibold text-slate-900">Profile</legend>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label="First name"
              name="firstname"
              defaultValue={draft.firstname}
              errors={errors.firstname}
              autoComplete="off"
              required
            />
            <TextField
              label="Last name"
              name="lastname"
              defaultValue={draft.lastname}
              errors={errors.lastname}
              autoComplete="off"
              required
            />
            <TextField
              label="Email"
              name="email"
              type="email"
              defaultValue={draft.email}
              errors={errors.email}
              autoComplete="off"
              required
              hint="Magento refuses an email another customer of the same website already uses."
            />
            <SelectField
              label="Group"
              name="groupOriginId"
              defaultValue={draft.groupOriginId}
              options={groupOptions}
              errors={errors.groupOriginId}
            />
            <TextField label="Date of birth" name="dob" type="date" defaultValue={draft.dob} errors={errors.dob} hint="Optional." />
            <SelectField label="Gender" name="gender" defaultValue={draft.gender} options={genders} errors={errors.gender} />
          </div>
        </fieldset>

        <fieldset className="space-y-4">
          <legend className="text-base font-semibold text-slate-900">Addresses</legend>
          <p className="text-sm text-slate-600">
            Country and region are checked against Magento&apos;s own list. Choose the default billing and shipping address here.
          </p>
          {directoryError ? (
            <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
              {directoryError} You can still change the profile.
            </p>
          ) : null}
          <ErrorText id="defaultBilling-error" errors={errors.defaultBilling} />
          <ErrorText id="defaultShipping-error" errors={errors.defaultShipping} />
          {addresses.map((address, index) => (
            <AddressFields
              key={address.slot}
              address={address}
              number={index + 1}
              countries={countries}
              errors={errors}
              defaultBilling={draft.defaultBilling}
              defaultShipping={draft.defaultShipping}
              onDiscard={
                address.id === "" && index >= draft.addresses.length
                  ? () => setAddresses((list) => list.filter((a) => a.slot !== address.slot))
                  : undefined
              }
            />
          ))}
          <Button variant="secondary" onClick={addAddress}>
            Add another address
          </Button>
        </fieldset>
      </fieldset>

      <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-5">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save and send to Magento"}
        </Button>
        <Link href={`/customers/${customerId}`} className="text-sm text-slate-600 hover:underline">
          Cancel
        </Link>
      </div>
    </form>
  );
}

/** The customer as text, when it cannot be changed here: the reason once, then the values. */
function ReadOnlyCustomer({
  customerId,
  draft,
  group,
  gender,
  reason,
}: {
  customerId: number;
  draft: CustomerDraft;
  group: string;
  gender: string;
  reason: string;
}) {
  const none = <span className="text-slate-400">—</span>;
  const facts: [string, string][] = [
    ["First name", draft.firstname],
    ["Last name", draft.lastname],
    ["Email", draft.email],
    ["Group", group],
    ["Date of birth", draft.dob],
    ["Gender", gender],
  ];
  const addresses = draft.addresses.filter((a) => a.id !== "");
  return (
    <div className="space-y-6" data-testid="customer-read-only">
      <p role="note" className="rounded-md bg-slate-100 px-4 py-3 text-sm text-slate-800 ring-1 ring-inset ring-slate-200">
        <span className="font-medium">Read-only.</span> {reason}
      </p>
      <section aria-label="Profile" className="space-y-3">
        <h3 className="text-base font-semibold text-slate-900">Profile</h3>
        <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
          {facts.map(([label, value]) => (
            <div key={label}>
              <dt className="text-slate-500">{label}</dt>
              <dd className="text-slate-900">{value || none}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-label="Addresses" className="space-y-3">
        <h3 className="text-base font-semibold text-slate-900">Addresses</h3>
        {addresses.length === 0 ? (
          <p className="text-sm text-slate-500">No addresses in the address book.</p>
        ) : (
          <ul className="grid gap-4 text-sm sm:grid-cols-2">
            {addresses.map((a) => {
              const defaults = [
                draft.defaultBilling === String(a.slot) ? "Default billing" : null,
                draft.defaultShipping === String(a.slot) ? "Default shipping" : null,
              ].filter(Boolean);
              return (
                <li key={a.slot} className="rounded-md p-3 ring-1 ring-slate-200">
                  <address className="not-italic text-slate-900">
                    {[
                      `${a.firstname} ${a.lastname}`.trim(),
                      a.company,
                      a.street1,
                      a.street2,
                      `${a.postcode} ${a.city}`.trim(),
                      [a.region, a.countryId].filter(Boolean).join(", "),
                      a.telephone,
                    ]
                      .filter(Boolean)
                      .map((line, i) => (
                        <span key={i} className="block">
                          {line}
                        </span>
                      ))}
                  </address>
                  {defaults.length ? <p className="mt-1 text-xs text-slate-500">{defaults.join(" · ")}</p> : null}
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <div className="border-t border-slate-200 pt-5">
        <Link href={`/customers/${customerId}`} className="text-sm text-slate-600 hover:underline">
          Back to the customer
        </Link>
      </div>
    </div>
  );
}

function AddressFields({
  address,
  number,
  countries,
  errors,
  defaultBilling,
  defaultShipping,
  onDiscard,
}: {
  address: AddressDraft;
  number: number;
  countries: CountryOption[];
  errors: Record<string, string[] | undefined>;
  defaultBilling: string;
  defaultShipping: string;
  onDiscard?: () => void;
}) {
  const [countryId, setCountryId] = useState(address.countryId);
  const name = (field: string) => `address.${address.slot}.${field}`;
  const err = (field: string) => errors[name(field)];
  const isNew = address.id === "";
  const typed = !isNew || [address.firstname, address.lastname, address.street1, address.city].some((v) => v.trim());
  const hasErrors = Object.keys(errors).some((k) => k.startsWith(`address.${address.slot}.`));
  const country = countries.find((c) => c.id === countryId);
  const countryChoices = countries.map((c) => ({ value: c.id, label: c.name }));
  if (countryId && !country) countryChoices.unshift({ value: countryId, label: countryId });
  if (!countryId) countryChoices.unshift({ value: "", label: "Choose a country" });
  const summary = [address.street1, address.city, address.countryId].filter(Boolean).join(", ");
  const title = isNew ? "New address" : `Address ${number}${summary ? `: ${summary}` : ""}`;

  const body = (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <input type="hidden" name={name("id")} value={address.id} />
        <TextField
          label="First name"
          name={name("firstname")}
          defaultValue={address.firstname}
          errors={err("firstname")}
          autoComplete="off"
        />
        <TextField label="Last name" name={name("lastname")} defaultValue={address.lastname} errors={err("lastname")} autoComplete="off" />
        <TextField
          label="Company"
          name={name("company")}
          defaultValue={address.company}
          errors={err("company")}
          autoComplete="off"
          hint="Optional."
        />
        <TextField
          label="Telephone"
          name={name("telephone")}
          defaultValue={address.telephone}
          errors={err("telephone")}
          autoComplete="off"
        />
        <TextField label="Street" name={name("street1")} defaultValue={address.street1} errors={err("street1")} autoComplete="off" />
        <TextField
          label="Street (line 2)"
          name={name("street2")}
          defaultValue={address.street2}
          errors={err("street2")}
          autoComplete="off"
          hint="Optional."
        />
        <TextField label="City" name={name("city")} defaultValue={address.city} errors={err("city")} autoComplete="off" />
        <TextField label="Postcode" name={name("postcode")} defaultValue={address.postcode} errors={err("postcode")} autoComplete="off" />
        {countries.length ? (
          <SelectField
            label="Country"
            name={name("countryId")}
            value={countryId}
            onChange={(e) => setCountryId(e.target.value)}
            options={countryChoices}
            errors={err("countryId")}
          />
        ) : (
          <TextField
            label="Country (code)"
            name={name("countryId")}
            value={countryId}
            onChange={(e) => setCountryId(e.target.value.toUpperCase())}
            errors={err("countryId")}
            maxLength={2}
            autoComplete="off"
          />
        )}
        {country && country.regions.length > 0 ? (
          <SelectField
            label="Region"
            name={name("regionId")}
            defaultValue={countryId === address.countryId ? address.regionId : ""}
            options={[{ value: "", label: "Choose a region" }, ...country.regions.map((r) => ({ value: r.id, label: r.name }))]}
            errors={err("regionId")}
          />
        ) : (
          <>
            {/* Without Magento's list the region's id is kept as it was. */}
            {!countries.length ? <input type="hidden" name={name("regionId")} value={address.regionId} /> : null}
            <TextField
              label="Region"
              name={name("region")}
              defaultValue={address.region}
              errors={err("regionId") ?? err("region")}
              autoComplete="off"
              hint="Optional for this country."
            />
          </>
        )}
      </div>
      <div className="flex flex-wrap items-center gap-x-6 gap-y-2 text-sm text-slate-800">
        <label className="flex items-center gap-2">
          <input type="radio" name="defaultBilling" value={address.slot} defaultChecked={defaultBilling === String(address.slot)} /> Default
          billing address
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="defaultShipping" value={address.slot} defaultChecked={defaultShipping === String(address.slot)} />{" "}
          Default shipping address
        </label>
        {!isNew ? (
          <label className="flex items-center gap-2 text-red-700">
            <input type="checkbox" name={name("remove")} defaultChecked={address.remove} /> Remove this address
          </label>
        ) : onDiscard ? (
          <button type="button" onClick={onDiscard} className="text-sm font-medium text-slate-600 hover:underline">
            Discard this new address
          </button>
        ) : null}
      </div>
      <ErrorText id={`${name("id")}-error`} errors={err("id")} />
    </div>
  );

  if (isNew) {
    return (
      <details open={typed || hasErrors || Boolean(onDiscard)} className="rounded-md p-4 ring-1 ring-slate-200">
        <summary className="cursor-pointer text-sm font-semibold text-slate-900">Add a new address</summary>
        <div className="mt-4">{body}</div>
      </details>
    );
  }
  return (
    <fieldset className="space-y-4 rounded-md p-4 ring-1 ring-slate-200">
      <legend className="px-1 text-sm font-semibold text-slate-900">{title}</legend>
      {body}
    </fieldset>
  );
}
