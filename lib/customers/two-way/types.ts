// The types of two-way sync, shared by the service (lib/customers/two-way/service.ts re-exports them), the
// pusher and the UI.

/** Magento: 0 n/a, 1 male, 2 female, 3 not specified. */
export type Gender = 0 | 1 | 2 | 3;

export interface AddressValues {
  /** Magento's address id; null = a new address. */
  id: number | null;
  firstname: string;
  lastname: string;
  street: string[];
  city: string;
  postcode: string;
  countryId: string;
  regionId: number | null;
  region: string | null;
  telephone: string;
  company: string | null;
  defaultBilling: boolean;
  defaultShipping: boolean;
}

export interface CustomerValues {
  firstname: string;
  lastname: string;
  email: string;
  groupOriginId: number | null;
  /** YYYY-MM-DD */
  dob: string | null;
  gender: Gender | null;
  addresses: AddressValues[];
}

export type CustomerField = "firstname" | "lastname" | "email" | "groupOriginId" | "dob" | "gender" | "addresses";

/** What the edit form needs: the current local values (= the base the edit is built on), a base token, and whether it may be edited. */
export interface CustomerEditView {
  customerId: number;
  channelId: number;
  channelName: string;
  values: CustomerValues;
  /** Opaque; encodes the base values the form was built on; round-tripped by the form. */
  baseToken: string;
  editable: boolean;
  readOnlyReason: string | null;
  /** Guest with an email, two-way on. */
  canRegister: boolean;
  subscribed: boolean | null;
  canChangeSubscription: boolean;
  subscriptionReason: string | null;
  groups: { originId: number; name: string }[];
  /** Fields whose local value is not confirmed by Magento yet (waiting, or failed: "not saved in Magento"). */
  pendingFields: (CustomerField | "subscription")[];
  /** For a guest that was registered (or registered elsewhere and merged): the registered customer's portal id. */
  registeredCustomerId: number | null;
}

export type WriteResult<T> = ({ ok: true } & T) | { ok: false; error: string; fieldErrors?: Record<string, string[]> };

/** `refused` names the customer (0 for a subscriber row with no customer, then `subscriberId` says which). */
export type SubscriptionResult = WriteResult<{
  queued: number[];
  refused: { customerId: number; subscriberId?: number; reason: string }[];
}>;

export type PushKind = "customer.update" | "customer.subscription" | "customer.register";
export type PushStatus = "pending" | "in_progress" | "done" | "failed" | "dead" | "reverted";

/** Pending, failed-for-good and overridden pushes of one customer, newest first, for the customer page. */
export interface PushSummary {
  id: number;
  kind: PushKind;
  status: PushStatus;
  createdAt: string;
  createdBy: string | null;
  fields: CustomerField[] | null;
  attempts: number;
  nextAttemptAt: string | null;
  /** Magento's reason, verbatim-ish. */
  error: string | null;
  /** Magento-wins conflicts: both values as display text. */
  overridden: { field: CustomerField; yours: string; magento: string }[];
}

export type PushFailure = PushSummary & { customerId: number; customerName: string; channelId: number; channelName: string };
