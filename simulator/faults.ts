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
  /** Instead of `index`: the record with this entity_id / id, on whichever page it is (untouched pages pass). */
  id?: number | string;
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
  /**
   * Do the work, then never answer (Magento placed the order, the answer was lost on the way):
   * unlike `hang`, the request changes the store.
   */
  loseAnswer?: boolean;
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

  /**
   * The rules that take effect on this request, their `times` consumed. A rule shadowed by another
   * (a malformed body on a request answered 500, a second status) is not consumed: its `times`
   * stay for a request where it really happens.
   */
  take(method: string, path: string): ActiveFault[] {
    const matching = this.rules.filter((rule) => {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) return false;
      if (rule.path && !path.includes(rule.path)) return false;
      return rule.percent === undefined || this.rng.next() * 100 < rule.percent;
    });
    const ending = matching.find((rule) => rule.hang) ?? matching.find((rule) => rule.status);
    const effective = matching.filter(
      (rule) =>
        rule === ending ||
        (rule.latencyMs && !rule.hang && !rule.status && !rule.malformed) ||
        (!ending && (rule.malformed || rule.loseAnswer)),
    );
    for (const rule of effective) {
      rule.applied++;
      if (rule.times !== undefined) rule.times--;
    }
    this.rules = this.rules.filter((r) => r.times === undefined || r.times > 0);
    return effective.map((rule) => ({ ...rule }));
  }
}

/** Checks a fault rule from the control API; returns an error message or null. */
export function validateFault(rule: unknown): string | null {
  if (!rule || typeof rule !== "object" || Array.isArray(rule)) return "A fault rule must be a JSON object.";
  const r = rule as Record<string, unknown>;
  const known = ["path", "method", "latencyMs", "status", "retryAfter", "message", "hang", "loseAnswer", "malformed", "times", "percent"];
  for (const key of Object.keys(r)) if (!known.includes(key)) return `Unknown fault option "${key}". Known: ${known.join(", ")}.`;
  const nonNegInt = (v: unknown) => v === undefined || (typeof v === "number" && Number.isInteger(v) && v >= 0);
  if (r.path !== undefined && typeof r.path !== "string") return '"path" must be a string.';
  if (r.method !== undefined && typeof r.method !== "string") return '"method" must be a string.';
  if (!nonNegInt(r.latencyMs)) return '"latencyMs" must be a non-negative integer.';
  if (r.status !== undefined && !(typeof r.status === "number" && Number.isInteger(r.status) && r.status >= 400 && r.status <= 599))
    return '"status" must be an HTTP error status (400–599).';
  if (!nonNegInt(r.retryAfter)) return '"retryAfter" must be a non-negative integer.';
  if (r.times !== undefined && !(typeof r.times === "number" && Number.isInteger(r.times) && r.times >= 1))
    return '"times" must be a positive integer.';
  if (r.percent !== undefined && !(typeof r.percent === "number" && r.percent >= 0 && r.percent <= 100))
    return '"percent" must be between 0 and 100.';
  if (r.hang !== undefined && typeof r.hang !== "boolean") return '"hang" must be a boolean.';
  if (r.loseAnswer !== undefined && typeof r.loseAnswer !== "boolean") return '"loseAnswer" must be a boolean.';
  if (r.malformed !== undefined) {
    const m = r.malformed as Record<string, unknown>;
    if (!m || typeof m !== "object") return '"malformed" must be an object.';
    if (m.mode !== undefined && !["string", "delete", "null", "invalid_json"].includes(String(m.mode)))
      return '"malformed.mode" must be string, delete, null or invalid_json.';
    if (m.field !== undefined && typeof m.field !== "string") return '"malformed.field" must be a string.';
    if (m.id !== undefined && typeof m.id !== "number" && typeof m.id !== "string") return '"malformed.id" must be a number or a string.';
    if (!nonNegInt(m.index)) return '"malformed.index" must be a non-negative integer.';
  }
  if (r.status === undefined && !r.latencyMs && !r.hang && !r.loseAnswer && !r.malformed)
    return "A fault rule needs status, latencyMs, hang, loseAnswer or malformed.";
  return null;
}

/** Breaks one record of a response body as a malformed rule asks. */
function hasId(record: unknown, id: number | string): boolean {
  if (!record || typeof record !== "object") return false;
  const r = record as Record<string, unknown>;
  return String(r.entity_id ?? r.id) === String(id);
}

function pickRecord(list: unknown[], spec: MalformedSpec): Record<string, unknown> | undefined {
  const found = spec.id === undefined ? list[spec.index ?? 0] : list.find((r) => hasId(r, spec.id!));
  return found as Record<string, unknown> | undefined;
}

export function breakRecord(body: unknown, spec: MalformedSpec): unknown {
  const field = spec.field ?? "grand_total";
  let target: Record<string, unknown> | undefined;
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const obj = body as Record<string, unknown>;
    if (Array.isArray(obj.items) && ("total_count" in obj || "search_criteria" in obj)) target = pickRecord(obj.items, spec);
    else if (spec.id === undefined || hasId(obj, spec.id)) target = obj;
  } else if (Array.isArray(body)) target = pickRecord(body, spec);
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
