"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import type { SearchGroup, SearchResult } from "@/lib/search/global-search";

// The header's search box (lib/search, GET /api/search): a combobox whose listbox groups the
// matches by kind. "/" focuses it from anywhere but a field; ArrowUp/Down move through the
// matches, Enter opens the highlighted one (or, with none highlighted, the full results page),
// Escape closes the list. Without JavaScript the form still opens /search.

const DEBOUNCE_MS = 200;
const MIN_LENGTH = 2;
const MAX_LENGTH = 100;

type Option = { id: string; href: string; title: string; detail: string | null };
type State =
  | { status: "idle" }
  | { status: "loading"; query: string }
  | { status: "done"; query: string; groups: SearchGroup[] }
  | { status: "error"; query: string; message: string };

function typingInField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function resultsPath(query: string): string {
  return `/search?${new URLSearchParams({ q: query }).toString()}`;
}

export function GlobalSearchBox() {
  const router = useRouter();
  const baseId = useId();
  const listId = `${baseId}-list`;
  const inputRef = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState("");
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<State>({ status: "idle" });
  const [active, setActive] = useState(-1);

  const query = value.replace(/\s+/g, " ").trim();

  // "/" from anywhere but a field focuses the box.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || typingInField(event.target)) return;
      event.preventDefault();
      inputRef.current?.focus();
      inputRef.current?.select();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  // Debounced search as the user types; a newer query aborts the older request.
  useEffect(() => {
    if (query.length < MIN_LENGTH || query.length > MAX_LENGTH) return;
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      setState({ status: "loading", query });
      try {
        const response = await fetch(`/api/search?${new URLSearchParams({ q: query }).toString()}`, {
          signal: controller.signal,
          headers: { accept: "application/json" },
        });
        const body = (await response.json().catch(() => null)) as (SearchResult & { error?: string }) | null;
        if (!response.ok || !body) {
          setState({ status: "error", query, message: body?.error ?? "The search did not answer. Try again." });
          return;
        }
        setState({ status: "done", query, groups: body.groups });
        setActive(-1);
      } catch {
        if (controller.signal.aborted) return;
        setState({ status: "error", query, message: "The search did not answer. Try again." });
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  const groups = useMemo(() => (state.status === "done" && state.query === query ? state.groups : []), [state, query]);
  const options = useMemo(() => {
    const list: Option[] = groups.flatMap((group) =>
      group.hits.map((hit) => ({ id: `${baseId}-${hit.kind}-${hit.id}`, href: hit.href, title: hit.title, detail: hit.detail })),
    );
    if (query.length >= MIN_LENGTH && query.length <= MAX_LENGTH)
      list.push({ id: `${baseId}-all`, href: resultsPath(query), title: `See all results for “${query}”`, detail: null });
    return list;
  }, [groups, query, baseId]);

  const showList = open && query.length >= MIN_LENGTH;
  const activeOption = showList && active >= 0 ? options[active] : undefined;

  const go = useCallback(
    (href: string) => {
      setOpen(false);
      setActive(-1);
      router.push(href);
    },
    [router],
  );

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!showList) {
        setOpen(true);
        return;
      }
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((current) => {
        if (options.length === 0) return -1;
        const next = current + step;
        if (next < 0) return options.length - 1;
        if (next >= options.length) return 0;
        return next;
      });
    } else if (event.key === "Escape") {
      if (showList) {
        event.preventDefault();
        setOpen(false);
        setActive(-1);
      } else if (value) {
        event.preventDefault();
        setValue("");
      }
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (activeOption) go(activeOption.href);
      else if (query.length >= MIN_LENGTH) go(resultsPath(query));
    }
  };

  const matchCount = groups.reduce((n, g) => n + g.hits.length, 0);
  const statusText = !showList
    ? ""
    : query.length > MAX_LENGTH
      ? `Search for at most ${MAX_LENGTH} characters.`
      : state.status === "error" && state.query === query
        ? state.message
        : state.status === "done" && state.query === query
          ? matchCount === 0
            ? `No matches for “${query}”.`
            : `${matchCount} ${matchCount === 1 ? "match" : "matches"}; use the arrow keys to choose one.`
          : "Searching…";

  const offsets = groups.map((_, i) => groups.slice(0, i).reduce((n, g) => n + g.hits.length, 0));
  return (
    <form
      role="search"
      action="/search"
      className="relative mx-3 w-full max-w-md flex-1"
      onSubmit={(event) => {
        event.preventDefault();
        if (query.length >= MIN_LENGTH) go(resultsPath(query));
      }}
    >
      <label htmlFor={`${baseId}-input`} className="sr-only">
        Search customers, accounts, orders, carts, credit memos and subscribers
      </label>
      <input
        ref={inputRef}
        id={`${baseId}-input`}
        name="q"
        type="search"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        maxLength={200}
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={activeOption?.id}
        aria-keyshortcuts="/"
        aria-describedby={`${baseId}-status`}
        placeholder="Search…"
        value={value}
        onChange={(event) => {
          setValue(event.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
        className="h-9 w-full rounded-md border border-slate-300 bg-white pl-3 pr-8 text-sm text-slate-900 placeholder:text-slate-500 focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600/30"
      />
      <kbd
        aria-hidden
        className={`pointer-events-none absolute right-2 top-1/2 hidden -translate-y-1/2 rounded border border-slate-300 px-1.5 text-xs text-slate-600 ${value ? "" : "sm:block"}`}
      >
        /
      </kbd>
      {/* A live region without role="status": pages keep "the status" for their own messages. */}
      <p id={`${baseId}-status`} aria-live="polite" aria-atomic="true" className="sr-only">
        {statusText}
      </p>
      <div
        className={`absolute left-0 right-0 z-30 mt-1 max-h-[70vh] overflow-y-auto rounded-lg bg-white py-1 shadow-lg ring-1 ring-slate-200 ${showList ? "" : "hidden"}`}
        data-testid="search-dropdown"
      >
        <ul id={listId} role="listbox" aria-label="Search results">
          {groups.map((group, groupIndex) => (
            <li key={group.kind} role="presentation">
              <ul role="group" aria-labelledby={`${baseId}-${group.kind}-label`}>
                <li
                  role="presentation"
                  id={`${baseId}-${group.kind}-label`}
                  className="px-3 pb-1 pt-2 text-xs font-semibold uppercase tracking-wide text-slate-600"
                >
                  {group.label}
                </li>
                {group.hits.map((hit, hitIndex) => {
                  const index = offsets[groupIndex]! + hitIndex;
                  const option = options[index]!;
                  const selected = index === active;
                  return (
                    <li
                      key={option.id}
                      id={option.id}
                      role="option"
                      aria-selected={selected}
                      data-href={hit.href}
                      // mousedown, not click: the input's blur would close the list first.
                      onMouseDown={(event) => {
                        event.preventDefault();
                        go(hit.href);
                      }}
                      className={`cursor-pointer px-3 py-1.5 text-sm ${selected ? "bg-brand-50 text-brand-900" : "text-slate-800 hover:bg-slate-50"}`}
                    >
                      <span className="block font-medium">{hit.title}</span>
                      {hit.detail ? <span className="block truncate text-xs text-slate-600">{hit.detail}</span> : null}
                    </li>
                  );
                })}
              </ul>
            </li>
          ))}
          {options.length > 0 && options[options.length - 1]!.id === `${baseId}-all` ? (
            <li
              id={`${baseId}-all`}
              role="option"
              aria-selected={active === options.length - 1}
              onMouseDown={(event) => {
                event.preventDefault();
                go(resultsPath(query));
              }}
              className={`mt-1 cursor-pointer border-t border-slate-100 px-3 py-2 text-sm font-medium ${
                active === options.length - 1 ? "bg-brand-50 text-brand-900" : "text-brand-700 hover:bg-slate-50"
              }`}
            >
              {options[options.length - 1]!.title}
            </li>
          ) : null}
        </ul>
        {statusText && !(state.status === "done" && state.query === query && matchCount > 0) ? (
          <p aria-hidden className="px-3 py-2 text-sm text-slate-600">
            {statusText}
          </p>
        ) : null}
      </div>
    </form>
  );
}
