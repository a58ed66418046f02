import type { ReactNode } from "react";

// Small labelled controls for the follow-up forms. Several forms share one page, so each control's
// id carries its form's prefix (the shared ui/field.tsx uses the bare name as the id).

const CONTROL =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-xs ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-brand-500 aria-invalid:ring-red-400";

type Base = { form: string; name: string; label: string; errors?: string[] };

function Shell({ form, name, label, errors, children }: Base & { children: ReactNode }) {
  return (
    <div>
      <label htmlFor={`${form}-${name}`} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="mt-1">{children}</div>
      {errors?.length ? (
        <p id={`${form}-${name}-error`} role="alert" className="mt-1 text-xs font-medium text-red-700">
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

const a11y = (form: string, name: string, errors?: string[]) => ({
  id: `${form}-${name}`,
  name,
  "aria-invalid": errors?.length ? true : undefined,
  "aria-describedby": errors?.length ? `${form}-${name}-error` : undefined,
});

export function Text(props: Base & { required?: boolean; maxLength?: number }) {
  return (
    <Shell {...props}>
      <input className={CONTROL} {...a11y(props.form, props.name, props.errors)} required={props.required} maxLength={props.maxLength} />
    </Shell>
  );
}

export function LongText(props: Base & { required?: boolean; maxLength?: number }) {
  return (
    <Shell {...props}>
      <textarea
        rows={3}
        className={CONTROL}
        {...a11y(props.form, props.name, props.errors)}
        required={props.required}
        maxLength={props.maxLength}
      />
    </Shell>
  );
}

export function Choice(props: Base & { options: { value: string; label: string }[]; defaultValue?: string }) {
  return (
    <Shell {...props}>
      <select className={CONTROL} {...a11y(props.form, props.name, props.errors)} defaultValue={props.defaultValue}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Shell>
  );
}
