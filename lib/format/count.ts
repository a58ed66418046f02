// The one helper for counted nouns: "1 order", "2 orders", "1,234 entries", "10,000+ orders".
// Numbers are grouped as everywhere in the portal (en-US: 1,234); nouns are given in the
// singular and made plural by English's regular endings, with the few irregular words listed.

const IRREGULAR: Record<string, string> = { person: "people", child: "children", criterion: "criteria" };
const IRREGULAR_BACK = Object.fromEntries(Object.entries(IRREGULAR).map(([one, many]) => [many, one]));

/** A count as the portal shows numbers: 1,234. */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** Applies `change` to the last word of a (possibly multi-word) noun: "credit memo" → "credit memos". */
function onLastWord(noun: string, change: (word: string) => string): string {
  const at = noun.lastIndexOf(" ") + 1;
  return noun.slice(0, at) + change(noun.slice(at));
}

/** The plural of a singular English noun: order → orders, entry → entries, status → statuses. */
export function pluralOf(noun: string): string {
  return onLastWord(noun, (word) => {
    const lower = word.toLowerCase();
    if (IRREGULAR[lower]) return IRREGULAR[lower]!;
    if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
    if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
    return `${word}s`;
  });
}

/** The singular of a plural noun made by pluralOf: orders → order, entries → entry, statuses → status. */
export function singularOf(noun: string): string {
  return onLastWord(noun, (word) => {
    const lower = word.toLowerCase();
    if (IRREGULAR_BACK[lower]) return IRREGULAR_BACK[lower]!;
    if (/[^aeiou]ies$/i.test(word)) return `${word.slice(0, -3)}y`;
    if (/(ss|x|z|ch|sh|us)es$/i.test(word)) return word.slice(0, -2);
    if (/s$/i.test(word) && !/ss$/i.test(word)) return word.slice(0, -1);
    return word;
  });
}

/**
 * "1 order", "0 orders", "1,234 orders"; `capped` (a count that stopped early, "at least") reads
 * "10,000+ orders"; `plural` for a word the rules above do not know.
 */
export function countOf(n: number, noun: string, options: { capped?: boolean; plural?: string } = {}): string {
  const one = n === 1 && !options.capped;
  return `${formatCount(n)}${options.capped ? "+" : ""} ${one ? noun : (options.plural ?? pluralOf(noun))}`;
}
