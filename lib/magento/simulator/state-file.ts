// The store kept in a file (--state-file): loaded on start when the file was made with the same
// seed and sizes, written again after changes (coalesced; a temp file renamed over the old one, so
// a crash leaves the previous state, never half a file) and on close. A restarted store thus keeps
// its records, clock anchor and id sequences, and never hands out an id it gave another record.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { mkdir, open, rename } from "node:fs/promises";
import path from "node:path";
import { generateStore } from "./generate";
import { DERIVED_RECORD_KEYS, restoreStore, snapshotStore, SnapshotError } from "./snapshot";
import type { MagentoStore } from "./store";

/** What a store is generated from: a file made with other values holds another store. */
export type StateParams = { seed: number; customers: number; orders: number; products: number };

export type OpenedState = {
  store: MagentoStore;
  /** loaded: from the file; created: no file yet; replaced: the file was made with other params. */
  status: "loaded" | "created" | "replaced";
  detail: string;
};

const FORMAT = "magento-simulator-store";
const FORMAT_VERSION = 1;
const PARAM_KEYS = ["seed", "customers", "orders", "products"] as const;

export class StateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateFileError";
  }
}

function startAfresh(file: string): string {
  return `Delete ${file} to start afresh with a newly generated store; whatever synced the old store must start afresh too (the portal's demo: stop it and run rm -rf .data).`;
}

function serialize(store: MagentoStore, params: StateParams): string {
  const header = JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, savedAt: new Date().toISOString(), params });
  return `${header.slice(0, -1)},"store":${snapshotStore(store)}}`;
}

let tempCounter = 0;
const tempName = (file: string) => `${file}.${process.pid}.${++tempCounter}.tmp`;

function writeFileAtomicSync(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = tempName(file);
  const fd = openSync(temp, "w", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

async function writeFileAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = tempName(file);
  const handle = await open(temp, "w", 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}

/** Writes the store to the file now (atomically). */
export function saveStoreSync(file: string, store: MagentoStore, params: StateParams): void {
  writeFileAtomicSync(file, serialize(store, params));
}

function describeParams(p: Partial<Record<(typeof PARAM_KEYS)[number], unknown>>): string {
  return `seed ${String(p.seed)}, ${String(p.customers)} customers, ${String(p.orders)} orders, ${String(p.products)} products`;
}

/**
 * The store of the state file, or a generated one (saved to the file) when there is no file or it
 * was made with other params. An unreadable, corrupt or outdated file is an error naming the file.
 */
export function openStoreState(file: string, params: StateParams, generate: () => MagentoStore): OpenedState {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") throw new StateFileError(`The simulator's state file ${file} cannot be read (${code ?? String(error)}). ${startAfresh(file)}`);
    const store = generate();
    saveStoreSync(file, store, params);
    return { store, status: "created", detail: `no state file yet: generated the store and saved it to ${file}` };
  }
  const corrupt = (reason: string) => new StateFileError(`The simulator's state file ${file} is corrupt or not a state file (${reason}). ${startAfresh(file)}`);
  let saved: { format?: unknown; version?: unknown; params?: Record<string, unknown>; store?: unknown };
  try {
    saved = JSON.parse(text) as typeof saved;
  } catch (error) {
    throw corrupt(error instanceof Error ? error.message : String(error));
  }
  if (typeof saved !== "object" || saved === null || saved.format !== FORMAT) throw corrupt(`no "format": "${FORMAT}"`);
  if (saved.version !== FORMAT_VERSION) {
    throw new StateFileError(`The simulator's state file ${file} has format version ${String(saved.version)}; this simulator reads version ${FORMAT_VERSION}. ${startAfresh(file)}`);
  }
  const savedParams = typeof saved.params === "object" && saved.params !== null ? saved.params : {};
  if (PARAM_KEYS.some((key) => savedParams[key] !== params[key])) {
    // Another store was asked for: the old file stays beside the new one, in case it is wanted back.
    renameSync(file, `${file}.previous`);
    const store = generate();
    saveStoreSync(file, store, params);
    return {
      store,
      status: "replaced",
      detail: `${file} held a store made with ${describeParams(savedParams)}; this start asks for ${describeParams(params)}: generated a new store (the old file is now ${file}.previous)`,
    };
  }
  let store: MagentoStore;
  try {
    store = restoreStore(saved.store);
  } catch (error) {
    if (error instanceof SnapshotError || error instanceof TypeError) throw corrupt(error.message);
    throw error;
  }
  const missing = missingFields(store, generateStore({ ...params, customers: 12, orders: 40, products: 10, now: store.anchor }));
  if (missing.length > 0) {
    throw new StateFileError(`The simulator's state file ${file} was written by an older simulator: its records lack ${missing.join(", ")}, which this version needs. ${startAfresh(file)}`);
  }
  return { store, status: "loaded", detail: `loaded from ${file} (${describeParams(params)}, history anchored at ${new Date(store.anchor * 1000).toISOString()})` };
}

/** Field paths of a record ("items[].qtyRefunded"); unset fields and Maps are left out. */
function fieldPaths(value: unknown, prefix: string, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) fieldPaths(item, `${prefix}[]`, out);
    return;
  }
  if (typeof value !== "object" || value === null || value instanceof Map || value instanceof Set || value instanceof Date) return;
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined || DERIVED_RECORD_KEYS.has(key)) continue;
    const p = prefix ? `${prefix}.${key}` : key;
    out.add(p);
    fieldPaths(child, p, out);
  }
}

function recordsOf(value: unknown): unknown[] | null {
  const list = value instanceof Map ? [...value.values()] : Array.isArray(value) ? value : null;
  return list && list.some((r) => typeof r === "object" && r !== null) ? list : null;
}

/**
 * Fields that every record of a collection has in a small store generated by this code, but no
 * record of the loaded store has: the records were written before this version added them.
 */
function missingFields(loaded: MagentoStore, sample: MagentoStore): string[] {
  const missing: string[] = [];
  for (const [key, value] of Object.entries(sample)) {
    const sampleRecords = recordsOf(value);
    if (!sampleRecords) continue;
    const required = new Map<string, number>();
    for (const record of sampleRecords) {
      const paths = new Set<string>();
      fieldPaths(record, "", paths);
      for (const p of paths) required.set(p, (required.get(p) ?? 0) + 1);
    }
    for (const [p, n] of required) if (n < sampleRecords.length) required.delete(p);
    const loadedRecords = recordsOf((loaded as unknown as Record<string, unknown>)[key]) ?? [];
    if (required.size === 0 || loadedRecords.length === 0) continue;
    const wanted = new Set(required.keys());
    for (const record of loadedRecords) {
      const paths = new Set<string>();
      fieldPaths(record, "", paths);
      for (const p of paths) wanted.delete(p);
      if (wanted.size === 0) break;
    }
    for (const p of wanted) missing.push(`${key}: ${p}`);
  }
  return missing;
}

/**
 * Saves the store after it changed (store.onChange): at most one write under way, changes made
 * meanwhile coalesced into the next one, `delayMs` after the first of them, or longer when taking
 * the snapshot is slow (a big store): never more than a fifth of the time goes to saving. close()
 * writes once more (also what changed without store.changed(), e.g. a cleared pushed list) and stops.
 */
export class StateFileWriter {
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private dirty = false;
  private closed = false;
  /** How long the last snapshot held the event loop (ms). */
  private snapshotMs = 0;
  /** Writes so far (tests and the CLI's summary). */
  writes = 0;

  constructor(
    private readonly store: MagentoStore,
    readonly file: string,
    private readonly params: StateParams,
    private readonly delayMs = 200,
  ) {
    store.onChange = () => this.changed();
  }

  private changed(): void {
    if (this.closed) return;
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.writing || this.closed) return;
    this.timer = setTimeout(() => void this.save(), Math.max(this.delayMs, 4 * this.snapshotMs));
    this.timer.unref();
  }

  private save(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dirty = false;
    // The snapshot is taken now, synchronously: no request can change the store half-way through it.
    const started = performance.now();
    const text = serialize(this.store, this.params);
    this.snapshotMs = performance.now() - started;
    this.writing = writeFileAtomic(this.file, text)
      .then(() => {
        this.writes++;
      })
      .catch((error: unknown) => {
        this.dirty = true;
        console.error(`[magento-simulator] could not save the store to ${this.file}: ${error instanceof Error ? error.message : String(error)}`);
        if (this.closed) throw error;
      })
      .finally(() => {
        this.writing = null;
        if (this.dirty) this.schedule();
      });
    return this.writing;
  }

  /** Writes now what changed since the last write (after the write under way, if any). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing.catch(() => {});
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.dirty) await this.save();
  }

  /** A last write of the whole store; later changes are no longer saved. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.store.onChange) this.store.onChange = undefined;
    this.dirty = true;
    await this.flush();
  }
}
