import { NonRetriableError } from "inngest";
import type { z } from "zod";

/**
 * The event's data checked against its schema, or a NonRetriableError naming what is wrong: a
 * malformed event fails the same way on every retry, so Inngest must not try it again.
 */
export function parseEventData<S extends z.ZodType>(schema: S, name: string, data: unknown): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.map(String).join(".") || "data"}: ${issue.message}`).join("; ");
  throw new NonRetriableError(`Invalid ${name} event (${issues}); it is not retried.`);
}
