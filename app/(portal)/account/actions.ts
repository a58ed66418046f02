"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { protectedAction, type ActionResult } from "@/lib/auth/action";
import { safeTimeZone } from "@/lib/dates";
import { saveTimeZone } from "@/lib/users/preferences";

// The signed-in user's own settings. Every role may change these for themselves: the action is
// guarded by view_sales, the permission every role holds (the same guard the page has), and it
// only ever writes the session user's own row (no user id is read from the form).

const timeZoneSchema = z.object({
  // "" = "Use UTC" (the default; stored as no preference).
  timeZone: z
    .string({ error: "Choose a time zone." })
    .trim()
    .max(64, "Choose a time zone from the list.")
    .refine((value) => value === "" || safeTimeZone(value) === value, "Choose a time zone from the list."),
});

export const saveTimeZoneAction = protectedAction(
  "view_sales",
  timeZoneSchema,
  async ({ timeZone }, { user, db }): Promise<ActionResult> => {
    const value = timeZone === "" || timeZone === "UTC" ? null : timeZone;
    await saveTimeZone(db, user.id, value);
    // Dates on every page follow the setting.
    revalidatePath("/", "layout");
    return { ok: true, message: value ? `Saved. Dates are now shown in ${value}.` : "Saved. Dates are now shown in UTC." };
  },
);
