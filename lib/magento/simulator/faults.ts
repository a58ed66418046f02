// Fault injection for the control API: latency, error statuses (all requests, the next N, or a
// percentage), 429 with Retry-After, requests that never get an answer, malformed records.
import { Random } from "./random";

export type MalformedSpec = {
  /** Property of the record to break (default grand_total). */
  field?: string;
  /** string: send the value as a JSON string; delete: leave the property out; null: send null; invalid_json: cut the body. */
  mode?: "string" | "delete" | "null" | "invalid_json";
  /** Which record of a search page (default 0); single-entity responses are broken directly. */
  index?: number;
};

export type FaultRule = {
  /** Substring of the request path (e.g. "/V1/orders"); every REST request when absent. */
  path?: string;
  method?: string;
  latencyMs?: number;
  status?: number;
  /** Retry-After seconds (sent with 429 and 503). */
  retryAfter?: number;
  message?: string;
  /** Never answer: the socket stays open until the client gives up. */
  hang?: boolean;
  malformed?: MalformedSpec;
  /** Only the next N matching requests (default: until cleared). */
  times?: number;
  /** Only this percentage of matching requests (0–100, seeded, default 100). */
  percent?: number;
};

export type ActiveFault = FaultRule & { id: string; applied: number };

export class FaultInjector {
  private rules: ActiveFault[] = [];
  private counter = 0;
  private readonly rng: Random;

  constructor(seed: number) {
    this.rng = new Random(`${seed}:faults`);
  }

  add(rules: FaultRule[]): ActiveFault[] {
    const added = rules.map((r) => ({ ...r, id: `fault-${++this.counter}`, applied: 0 }));
    this.rules.push(...added);
    return added;
  }

  clear(id?: string) {
    this.rules = id ? this.rules.filter((r) => r.id !== id) : [];
  }

  list(): ActiveFault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The rules that apply to this request (their counters consumed). */
  take(method: string, path: string): ActiveFault[] {
    const hits: ActiveFault[] = [];
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.path && !path.includes(rule.path)) continue;
      if (rule.percent !== undefined && this.rng.next() * 100 >= rule.percent) continue;
      rule.applied++;
      if (rule.times !== undefined) rule.times--;
      hits.push({ ...rule });
    }
    this.rules = this.rules.filter((r) => r.times === undefined || r.times > 0);
    return hits;
  }
}

/** Checks a fault rule from the control API; returns an error message or null. */
export function validateFault(rule: unknown): string | null {
  if (!rule || typeof rule !== "object" || Array.isArray(rule)) return "A fault rule must be a JSON object.";
  const r = rule as Record<string, unknown>;
  const known = ["path", "method", "latencyMs", "status", "retryAfter", "message", "hang", "malformed", "times", "percent"];
  for (const key of Object.keys(r)) if (!known.includes(key)) return `Unknown fault option "${key}". Known: ${known.join(", ")}.`;
  const nonNegInt = (v: unknown) => v === undefined || (typeof v === "number" && Number.isInteger(v) && v >= 0);
  if (r.path !== undefined && typeof r.path !== "string") return '"path" must be a string.';
  if (r.method !== undefined && typeof r.method !== "string") return '"method" must be a string.';
  if (!nonNegInt(r.latencyMs)) return '"latencyMs" must be a non-negative integer.';
  if (r.status !== undefined && !(typeof r.status === "number" && Number.isInteger(r.status) && r.status >= 400 && r.status <= 599)) return '"status" must be an HTTP error status (400–599).';
  if (!nonNegInt(r.retryAfter)) return '"retryAfter" must be a non-negative integer.';
  if (r.times !== undefined && !(typeof r.times === "number" && Number.isInteger(r.times) && r.times >= 1)) return '"times" must be a positive integer.';
  if (r.percent !== undefined && !(typeof r.percent === "number" && r.percent >= 0 && r.percent <= 100)) return '"percent" must be between 0 and 100.';
  if (r.hang !== undefined && typeof r.hang !== "boolean") return '"hang" must be a boolean.';
  if (r.malformed !== undefined) {
    const m = r.malformed as Record<string, unknown>;
    if (!m || typeof m !== "object") return '"malformed" must be an object.';
    if (m.mode !== undefined && !["string", "delete", "null", "invalid_json"].includes(String(m.mode))) return '"malformed.mode" must be string, delete, null or invalid_json.';
    if (m.field !== undefined && typeof m.field !== "string") return '"malformed.field" must be a string.';
    if (!nonNegInt(m.index)) return '"malformed.index" must be a non-negative integer.';
  }
  if (r.status === undefined && !r.latencyMs && !r.hang && !r.malformed) return "A fault rule needs status, latencyMs, hang or malformed.";
  return null;
}

/** Breaks one record of a response body as a malformed rule asks. */
export function breakRecord(body: unknown, spec: MalformedSpec): unknown {
  const field = spec.field ?? "grand_total";
  let target: Record<string, unknown> | undefined;
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const obj = body as Record<string, unknown>;
    if (Array.isArray(obj.items) && ("total_count" in obj || "search_criteria" in obj)) target = obj.items[spec.index ?? 0] as Record<string, unknown> | undefined;
    else target = obj;
  } else if (Array.isArray(body)) target = body[spec.index ?? 0] as Record<string, unknown> | undefined;
  if (!target || typeof target !== "object") return body;
  switch (spec.mode ?? "string") {
    case "delete":
      delete target[field];
      break;
    case "null":
      target[field] = null;
      break;
    default:
      target[field] = target[field] === undefined ? "" : String(target[field]);
  }
  return body;
}
