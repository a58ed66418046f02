import { customerName } from "@/lib/customers/name";

export type AddressLike = {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  street?: string[] | null;
  city?: string | null;
  region?: string | null;
  postcode?: string | null;
  countryId?: string | null;
  telephone?: string | null;
  email?: string | null;
};

/** A postal address as lines; "No address" when there is none. */
export function AddressBlock({ address, label }: { address: AddressLike | null | undefined; label?: string }) {
  if (!address) return <p className="text-sm text-slate-500">No {label ? `${label.toLowerCase()} ` : ""}address.</p>;
  const name = customerName({ firstName: address.firstName, lastName: address.lastName });
  const cityLine = [address.postcode, address.city].filter(Boolean).join(" ");
  const lines = [
    name,
    address.company,
    ...(address.street ?? []),
    cityLine,
    [address.region, address.countryId].filter(Boolean).join(", "),
  ].filter((line): line is string => Boolean(line && line.trim()));
  return (
    <address className="text-sm not-italic leading-6 text-slate-800">
      {label ? <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</p> : null}
      {lines.map((line, i) => (
        <span key={i} className="block">
          {line}
        </span>
      ))}
      {address.telephone ? <span className="block text-slate-600">Tel. {address.telephone}</span> : null}
      {address.email ? <span className="block text-slate-600">{address.email}</span> : null}
    </address>
  );
}
