"use client";

import Link from "next/link";
import { startTransition, useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, SelectField, TextField } from "@/components/ui/field";
import type { ChannelFormState } from "@/lib/channels/form-state";
import { dataImpact, type ImpactSettings } from "@/lib/channels/impact";
import { CONFIRM_FIELD, confirmationValue } from "@/lib/channels/save-warnings";

// The channel settings form. Works without JavaScript (a plain POST to its one server action,
// the pressed button's intent saying check or save; the page comes back with the result and what
// was typed, secrets left out); with it, submitting keeps what was typed (no form reset) so
// "Check connection" and "Save" can follow each other. Secrets are write-only: the form only
// knows whether each is set. A save the server held back (same store view as another channel,
// failed connection check) comes back with its warnings and a "Save anyway" checkbox.

type FormAction = (previous: ChannelFormState | null, formData: FormData) => Promise<ChannelFormState>;

export type Website = { id: number; code: string; name: string };
export type { CheckData } from "@/lib/channels/form-state";

/** The saved values with what the last post typed laid over them (a no-JS post re-renders the page). */
function overlay(values: ChannelFormValues, typed: Record<string, string | string[]> | undefined): ChannelFormValues {
  if (!typed) return values;
  const text = (name: string, fallback: string) => (typeof typed[name] === "string" ? (typed[name] as string) : fallback);
  const all = (name: string) => [typed[name] ?? []].flat();
  const number = (name: string, fallback: number) =>
    Number.isFinite(Number(typed[name])) && text(name, "") !== "" ? Number(typed[name]) : fallback;
  return {
    ...values,
    name: text("name", values.name),
    baseUrl: text("baseUrl", values.baseUrl),
    authType: typed.authType === "oauth1" ? "oauth1" : typed.authType === "bearer" ? "bearer" : values.authType,
    storeCode: text("storeCode", values.storeCode),
    adminUrl: text("adminUrl", values.adminUrl),
    websiteOriginIds:
      typed.websites === "selected"
        ? all("websiteIds").map(Number).filter(Number.isSafeInteger)
        : typed.websites === "all"
          ? null
          : values.websiteOriginIds,
    guestMode: typed.guestMode === "per_email_and_name" ? "per_email_and_name" : "per_email",
    sharedGuestEmails: text("sharedGuestEmails", "")
      .split(/[\s,;]+/)
      .filter(Boolean),
    syncStartDate: text("syncStartDate", values.syncStartDate),
    syncIntervalMinutes: number("syncIntervalMinutes", values.syncIntervalMinutes),
    cartExpirationDays: text("cartExpirationDays", "") === "" ? null : number("cartExpirationDays", values.cartExpirationDays ?? 0),
    abandonmentDelayHours: number("abandonmentDelayHours", values.abandonmentDelayHours),
    entities: all("entities"),
    // Unticked checkboxes send nothing: absent means off.
    twoWaySync: typed.twoWaySync === "on",
    groupByCompany: typed.groupByCompany === "on",
    syncPriority: typed.syncPriority === "portal" ? "portal" : "magento",
    maxRequestsPerSecond: number("maxRequestsPerSecond", values.maxRequestsPerSecond),
    maxRequestsInFlight: number("maxRequestsInFlight", values.maxRequestsInFlight),
    active: typed.active === "on",
  };
}

export type ChannelFormValues = {
  id: number | null;
  name: string;
  baseUrl: string;
  authType: "bearer" | "oauth1";
  storeCode: string;
  adminUrl: string;
  websiteOriginIds: number[] | null;
  guestMode: "per_email" | "per_email_and_name";
  sharedGuestEmails: string[];
  syncStartDate: string;
  syncIntervalMinutes: number;
  cartExpirationDays: number | null;
  abandonmentDelayHours: number;
  entities: string[];
  twoWaySync: boolean;
  groupByCompany: boolean;
  syncPriority: "magento" | "portal";
  maxRequestsPerSecond: number;
  maxRequestsInFlight: number;
  active: boolean;
  credentialsSet: Record<"token" | "consumerKey" | "consumerSecret" | "accessToken" | "accessTokenSecret", boolean>;
};

export type EntityOption = { value: string; label: string; dependency: string };

const SECRET_LABELS = {
  token: "Access token",
  consumerKey: "Consumer key",
  consumerSecret: "Consumer secret",
  accessToken: "Access token",
  accessTokenSecret: "Access token secret",
} as const;

function ErrorText({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <p id={`${id}-error`} role="alert" className="mt-1 text-xs font-medium text-red-700">
      {errors.join(" ")}
    </p>
  );
}

function Section({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  return (
    <fieldset className="space-y-4 border-t border-slate-200 pt-5 first:border-t-0 first:pt-0">
      <legend className="text-sm font-semibold text-slate-900">{title}</legend>
      {description ? <p className="-mt-2 text-xs text-slate-500">{description}</p> : null}
      {children}
    </fieldset>
  );
}

export function ChannelForm({
  values,
  entityOptions,
  knownWebsites,
  action,
}: {
  values: ChannelFormValues;
  entityOptions: EntityOption[];
  knownWebsites: Website[];
  action: FormAction;
}) {
  const [state, submit, pending] = useActionState(action, null);
  const [intent, setIntent] = useState<"check" | "save">("save");
  const saveState = state?.intent === "save" ? state.save : null;
  const checkState = state?.check ?? null;
  const saving = pending && intent === "save";
  const checking = pending && intent === "check";
  const shown = overlay(values, state?.submitted);
  const [authType, setAuthType] = useState(shown.authType);
  const [websiteMode, setWebsiteMode] = useState(shown.websiteOriginIds === null ? "all" : "selected");
  const errors = saveState && !saveState.ok ? saveState.fieldErrors : undefined;
  const checkErrors = checkState && !checkState.ok ? checkState.fieldErrors : undefined;
  const fieldErrors = (name: string) => errors?.[name] ?? checkErrors?.[name];
  const checked = checkState?.ok ? checkState.data : undefined;
  const websites = new Map<number, Website>();
  for (const w of [...knownWebsites, ...(checked?.websites ?? [])]) websites.set(w.id, w);
  for (const id of shown.websiteOriginIds ?? []) if (!websites.has(id)) websites.set(id, { id, code: `#${id}`, name: `Website #${id}` });
  const editing = values.id !== null;
  // What the typed websites/start date would do, shown before saving (the save says it again and starts it).
  const initial: ImpactSettings = {
    websiteOriginIds: values.websiteOriginIds,
    syncStartDate: values.syncStartDate,
    entities: values.entities,
  };
  const [draft, setDraft] = useState<ImpactSettings & { active: boolean }>({
    websiteOriginIds: shown.websiteOriginIds,
    syncStartDate: shown.syncStartDate,
    entities: shown.entities,
    active: shown.active,
  });
  const onFormChange = (event: React.FormEvent<HTMLFormElement>) => {
    const data = new FormData(event.currentTarget);
    const ids = data
      .getAll("websiteIds")
      .map(Number)
      .filter(Number.isSafeInteger)
      .sort((a, b) => a - b);
    const selected = data.get("websites") === "selected";
    setDraft({
      // Half-typed values (no website ticked, an empty date) fail validation anyway: no preview for them.
      websiteOriginIds: selected ? (ids.length ? ids : initial.websiteOriginIds) : null,
      syncStartDate: String(data.get("syncStartDate") ?? "") || initial.syncStartDate,
      entities: data.getAll("entities").map(String),
      active: data.get("active") === "on",
    });
  };
  const preview = editing ? dataImpact(initial, draft).notices : [];
  const createdId = saveState?.ok && !editing ? saveState.data?.id : undefined;
  const warnings = errors?.[CONFIRM_FIELD] ?? [];
  const confirmation = confirmationValue(warnings);

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    // With JavaScript: no form reset after the action, so typed values (and secrets) stay.
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    // The pressed button's name="intent" value=check|save comes along in the data.
    const data = new FormData(event.currentTarget, submitter);
    setIntent(data.get("intent") === "check" ? "check" : "save");
    startTransition(() => submit(data));
  };

  const secretField = (name: keyof typeof SECRET_LABELS) => (
    <TextField
      key={name}
      label={SECRET_LABELS[name]}
      name={name}
      type="password"
      autoComplete="off"
      placeholder={values.credentialsSet[name] ? "•••••••• (set)" : ""}
      hint={
        values.credentialsSet[name]
          ? "Set. Leave empty to keep it; type a new value to replace it."
          : state
            ? "Write-only: type it again to save (a secret is never sent back to the page)."
            : "Write-only: it is stored encrypted and never shown again."
      }
      errors={fieldErrors(name)}
    />
  );

  return (
    <form
      action={submit}
      onSubmit={onSubmit}
      onChange={onFormChange}
      className="space-y-6 p-5"
      aria-label={editing ? "Channel settings" : "New channel"}
      noValidate
    >
      {values.id !== null ? <input type="hidden" name="id" value={values.id} /> : null}
      <FormMessage result={saveState} />
      {createdId ? (
        <p className="text-sm">
          <Link className="font-medium text-brand-700 underline" href={`/system/integrations/${createdId}`}>
            Open the channel
          </Link>{" "}
          or{" "}
          <Link className="font-medium text-brand-700 underline" href={`/system/integrations/${createdId}/settings`}>
            keep editing its settings
          </Link>
          .
        </p>
      ) : null}

      <Section title="Connection">
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Name" name="name" defaultValue={shown.name} required errors={fieldErrors("name")} />
          <TextField
            label="Magento base URL"
            name="baseUrl"
            type="url"
            defaultValue={shown.baseUrl}
            placeholder="https://shop.example.com"
            hint="The store's root address (http or https), without /rest."
            required
            errors={fieldErrors("baseUrl")}
          />
          <TextField
            label="Store code"
            name="storeCode"
            defaultValue={shown.storeCode}
            hint='Used in /rest/<code>/V1; usually "default".'
            errors={fieldErrors("storeCode")}
          />
          <TextField
            label="Admin URL"
            name="adminUrl"
            type="url"
            defaultValue={shown.adminUrl}
            placeholder="https://shop.example.com/admin"
            hint='For "open in Magento" links (optional).'
            errors={fieldErrors("adminUrl")}
          />
          <SelectField
            label="Authentication"
            name="authType"
            value={authType}
            onChange={(e) => setAuthType(e.target.value as "bearer" | "oauth1")}
            options={[
              { value: "bearer", label: "Integration access token (Bearer)" },
              { value: "oauth1", label: "OAuth 1.0a (four integration values)" },
            ]}
            errors={fieldErrors("authType")}
          />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          {authType === "bearer"
            ? secretField("token")
            : (["consumerKey", "consumerSecret", "accessToken", "accessTokenSecret"] as const).map(secretField)}
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" name="intent" value="check" variant="secondary" disabled={checking}>
            {checking ? "Checking…" : "Check connection"}
          </Button>
          <span className="text-xs text-slate-500">
            Uses the values above{editing ? " (and the saved secrets where left empty)" : ""}; saves nothing.
          </span>
        </div>
        {checkState ? (
          <div
            role={checkState.ok ? "status" : "alert"}
            aria-live="polite"
            className={`rounded-md px-3 py-2 text-sm ${checkState.ok ? "bg-emerald-50 text-emerald-900" : "bg-red-50 text-red-800"}`}
          >
            <p className="font-medium">{checkState.ok ? checkState.message : checkState.error}</p>
            {checked ? (
              <ul className="mt-2 list-disc pl-5 text-xs">
                {checked.websites.map((w) => (
                  <li key={w.id}>
                    Website {w.name} ({w.code}, id {w.id}): store views{" "}
                    {checked.storeViews
                      .filter((s) => s.websiteId === w.id)
                      .map((s) => `${s.name} (${s.code}${s.active ? "" : ", inactive"})`)
                      .join(", ") || "none"}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
      </Section>

      <Section title="What to sync">
        <div>
          <p className="text-sm font-medium text-slate-800">Websites</p>
          <div className="mt-1 flex flex-wrap gap-4 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name="websites" value="all" checked={websiteMode === "all"} onChange={() => setWebsiteMode("all")} /> All
              websites
            </label>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="websites"
                value="selected"
                checked={websiteMode === "selected"}
                onChange={() => setWebsiteMode("selected")}
              />{" "}
              Only these:
            </label>
          </div>
          <div className="mt-2 flex flex-wrap gap-4 text-sm">
            {websites.size === 0 ? (
              <span className="text-xs text-slate-500">Check the connection to list the store&apos;s websites.</span>
            ) : (
              [...websites.values()].map((w) => (
                <label key={w.id} className="flex items-center gap-2">
                  <input type="checkbox" name="websiteIds" value={w.id} defaultChecked={shown.websiteOriginIds?.includes(w.id) ?? false} />
                  {w.name} <span className="text-xs text-slate-500">({w.code})</span>
                </label>
              ))
            )}
          </div>
          <ErrorText id="websiteIds" errors={fieldErrors("websiteIds")} />
          <p className="mt-1 text-xs text-slate-500">
            Changing the websites makes the next sync walk the history again for the new selection.
          </p>
        </div>
        <div>
          <p className="text-sm font-medium text-slate-800">Records</p>
          <ul className="mt-1 space-y-2">
            {entityOptions.map((entity) => (
              <li key={entity.value}>
                <label className="flex items-start gap-2 text-sm">
                  <input
                    type="checkbox"
                    name="entities"
                    value={entity.value}
                    defaultChecked={shown.entities.includes(entity.value)}
                    className="mt-1"
                  />
                  <span>
                    {entity.label}
                    <span className="block text-xs text-slate-500">{entity.dependency}</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
          <ErrorText id="entities" errors={fieldErrors("entities")} />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Sync start date"
            name="syncStartDate"
            type="date"
            defaultValue={shown.syncStartDate}
            hint="Oldest changes the sync loads. Moving it earlier makes the next sync load back to it."
            errors={fieldErrors("syncStartDate")}
          />
          <TextField
            label="Sync interval (minutes)"
            name="syncIntervalMinutes"
            type="number"
            min={1}
            max={1440}
            defaultValue={shown.syncIntervalMinutes}
            errors={fieldErrors("syncIntervalMinutes")}
          />
          <TextField
            label="Cart expiration (days)"
            name="cartExpirationDays"
            type="number"
            min={1}
            defaultValue={shown.cartExpirationDays ?? ""}
            hint="Open carts idle this long count as expired; empty follows Magento."
            errors={fieldErrors("cartExpirationDays")}
          />
          <TextField
            label="Abandoned after (hours)"
            name="abandonmentDelayHours"
            type="number"
            min={1}
            max={720}
            defaultValue={shown.abandonmentDelayHours}
            hint="An open or contacted cart with items and an email, unchanged in Magento this long, counts as abandoned (1–720)."
            errors={fieldErrors("abandonmentDelayHours")}
          />
          <TextField
            label="Max requests per second"
            name="maxRequestsPerSecond"
            type="number"
            min={1}
            max={100}
            defaultValue={shown.maxRequestsPerSecond}
            hint="All connectors together, towards this Magento."
            errors={fieldErrors("maxRequestsPerSecond")}
          />
          <TextField
            label="Requests in flight"
            name="maxRequestsInFlight"
            type="number"
            min={1}
            max={32}
            defaultValue={shown.maxRequestsInFlight}
            hint="How many requests the sync may have waiting on Magento at once; lower it for a small or fragile store (1–32). The sync eases off by itself when Magento refuses requests or slows down."
            errors={fieldErrors("maxRequestsInFlight")}
          />
        </div>
      </Section>

      <Section title="Guests" description="Orders and carts without an account are grouped into guest customers.">
        <SelectField
          label="Guest customers"
          name="guestMode"
          defaultValue={shown.guestMode}
          options={[
            { value: "per_email", label: "One guest customer per email (default)" },
            { value: "per_email_and_name", label: "One guest customer per email and full name" },
          ]}
          errors={fieldErrors("guestMode")}
        />
        <div>
          <label htmlFor="sharedGuestEmails" className="block text-sm font-medium text-slate-800">
            Shared emails
          </label>
          <textarea
            id="sharedGuestEmails"
            name="sharedGuestEmails"
            rows={3}
            defaultValue={shown.sharedGuestEmails.join("\n")}
            aria-invalid={fieldErrors("sharedGuestEmails")?.length ? true : undefined}
            className="mt-1 block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-inset ring-slate-300"
          />
          <p className="mt-1 text-xs text-slate-500">One per line: family or office addresses whose guests are split by full name.</p>
          <ErrorText id="sharedGuestEmails" errors={fieldErrors("sharedGuestEmails")} />
        </div>
      </Section>

      <Section title="Accounts" description="Every customer and guest belongs to an account; the same email anywhere is one account.">
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="groupByCompany" defaultChecked={shown.groupByCompany} className="mt-0.5" />
          <span>
            Group customers by company
            <span className="block text-xs text-slate-500">
              Customers with a company (Magento B2B, or the company on their default billing address) join that company&apos;s account in
              this channel. Applies to customers synced from now on; accounts already given stay as they are.
            </span>
          </span>
        </label>
      </Section>

      <Section title="Two-way sync and status">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="twoWaySync" defaultChecked={shown.twoWaySync} /> Two-way sync: send portal edits to Magento
        </label>
        <SelectField
          label="Sync priority (when both sides changed)"
          name="syncPriority"
          defaultValue={shown.syncPriority}
          options={[
            { value: "magento", label: "Magento wins: remote changes overwrite local edits" },
            { value: "portal", label: "Portal wins: local edits are pushed even if Magento changed" },
          ]}
          errors={fieldErrors("syncPriority")}
        />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="active" defaultChecked={shown.active} /> Active (syncs on schedule)
        </label>
      </Section>

      {preview.length ? (
        <div role="note" aria-label="What saving does" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <p className="font-medium">When you save:</p>
          <ul className="mt-1 list-disc pl-5">
            {preview.map((notice) => (
              <li key={notice}>{notice}</li>
            ))}
            <li>
              {draft.active
                ? "That sync starts as soon as you save."
                : "The channel is inactive: this happens at its first sync once it is active again."}
            </li>
          </ul>
        </div>
      ) : null}
      {warnings.length ? (
        // Keyed by the warnings: a new set comes with the box unticked again.
        <div key={confirmation} className="space-y-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-3 text-sm text-amber-950">
          <div id="save-warnings" role="alert">
            <p className="font-medium">Not saved yet. Read {warnings.length === 1 ? "this warning" : "these warnings"} first:</p>
            <ul className="mt-1 list-disc space-y-1 pl-5">
              {warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
            <p className="mt-1">
              To save all the same, tick &ldquo;Save anyway&rdquo; and press {editing ? "Save settings" : "Create channel"} again.
            </p>
          </div>
          <label className="flex items-center gap-2 font-medium">
            <input type="checkbox" name={CONFIRM_FIELD} value={confirmation} aria-describedby="save-warnings" />
            Save anyway
          </label>
        </div>
      ) : null}
      <div className="flex items-center gap-3 border-t border-slate-200 pt-5">
        <Button type="submit" name="intent" value="save" disabled={saving}>
          {saving ? "Saving…" : editing ? "Save settings" : "Create channel"}
        </Button>
        <Link href="/system/integrations" className="text-sm text-slate-600 hover:underline">
          Back to integrations
        </Link>
      </div>
    </form>
  );
}
