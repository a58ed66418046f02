import type { ActionResult } from "@/lib/auth/action";

// What the channel settings form's one server action returns. One action (not one per button) so
// that a form posted without JavaScript gets its result back: React pairs a no-JS post's result
// with the useActionState hook of the form's own action, and a second action on a button
// (formAction) never finds its hook.

export type CheckData = {
  websites: { id: number; code: string; name: string }[];
  storeViews: { id: number; code: string; name: string; websiteId: number; active: boolean }[];
  baseCurrency: string | null;
};

export type SaveData = { id: number; notices: string[]; runId?: number };

export type ChannelFormState = {
  intent: "check" | "save";
  save: ActionResult<SaveData> | null;
  /** The last Check connection, kept across saves so its websites stay offered. */
  check: ActionResult<CheckData> | null;
  /** What was typed, secrets left out, so a form posted without JavaScript comes back filled in. */
  submitted: Record<string, string | string[]>;
};
