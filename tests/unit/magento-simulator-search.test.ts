import { describe, expect, it } from "vitest";
import { normalizeBaseUrl, oauthSignature, parseOAuthHeader, signatureBaseString, signOAuthRequest } from "@/simulator/auth";
import { Random } from "@/simulator/random";
import { applyFields, matchesFilter, parseFields, parseSearchCriteria, runSearch } from "@/simulator/search";

const params = (query: string) => new URLSearchParams(query);

describe("searchCriteria parsing", () => {
  it("reads bracket syntax in both spellings, defaults condition_type to eq and direction to DESC", () => {
    const c = parseSearchCriteria(
      params(
        "searchCriteria[filterGroups][0][filters][0][field]=a&searchCriteria[filterGroups][0][filters][0][value]=1&searchCriteria[filter_groups][1][filters][0][field]=b&searchCriteria[filter_groups][1][filters][0][value]=x&searchCriteria[filter_groups][1][filters][0][condition_type]=LIKE&searchCriteria[sortOrders][0][field]=a&searchCriteria[pageSize]=5&searchCriteria[currentPage]=3",
      ),
    );
    expect(c.filterGroups).toHaveLength(2);
    expect(c.filterGroups).toContainEqual([{ field: "a", value: "1", conditionType: "eq" }]);
    expect(c.filterGroups).toContainEqual([{ field: "b", value: "x", conditionType: "like" }]);
    expect(c.sortOrders).toEqual([{ field: "a", direction: "DESC" }]);
    expect(c.pageSize).toBe(5);
    expect(c.currentPage).toBe(3);
  });

  it("treats an empty searchCriteria as present and a missing one as a 400", () => {
    expect(parseSearchCriteria(params("searchCriteria="))).toEqual({ filterGroups: [], sortOrders: [] });
    expect(() => parseSearchCriteria(params("fields=items"))).toThrow("%fieldName is a required field.");
    expect(() => parseSearchCriteria(params("searchCriteria[pageSize]=301"))).toThrow("Maximum SearchCriteria pageSize is %max");
    expect(() =>
      parseSearchCriteria(params("searchCriteria[sortOrders][0][field]=a&searchCriteria[sortOrders][0][direction]=up")),
    ).toThrow();
  });
});

describe("filter semantics", () => {
  const row = { name: "Jane_Doe", email: "JDOE@example.com", qty: 3, ids: "1,2,10", nothing: null, active: 1, at: "2024-05-01 10:00:00" };
  const m = (field: string, value: string, conditionType: string) => matchesFilter(row, { field, value, conditionType });

  it("follows SQL: LIKE wildcards, case-insensitive text, NULL never compares", () => {
    expect(m("email", "jdoe@%", "like")).toBe(true);
    expect(m("name", "Jane\\_Doe", "like")).toBe(true);
    expect(m("name", "Jane_Do_", "like")).toBe(true);
    expect(m("name", "Jane%x", "nlike")).toBe(true);
    expect(m("email", "jdoe@example.com", "eq")).toBe(true);
    expect(m("nothing", "x", "neq")).toBe(false);
    expect(m("nothing", "x", "nin")).toBe(false);
    expect(m("nothing", "", "null")).toBe(true);
    expect(m("qty", "3.0", "eq")).toBe(true);
    expect(m("qty", "10", "lt")).toBe(true);
    expect(m("qty", "2, 3", "in")).toBe(true);
    expect(m("ids", "10", "finset")).toBe(true);
    expect(m("ids", "0", "finset")).toBe(false);
    expect(m("ids", "3", "nfinset")).toBe(true);
    expect(m("active", "true", "eq")).toBe(false);
    expect(m("at", "2024-05-01", "gteq")).toBe(true);
    expect(m("at", "2024-05-01", "lteq")).toBe(false);
  });

  it("pages, sorts with NULL first and replays the last page on request", () => {
    const rows = [
      { id: 1, v: 3 },
      { id: 2, v: null },
      { id: 3, v: 1 },
      { id: 4, v: 2 },
      { id: 5, v: 5 },
    ];
    const opts = { columns: (r: (typeof rows)[number]) => r, known: new Set(["id", "v"]), idColumn: "id" };
    const sorted = runSearch(rows, { filterGroups: [], sortOrders: [{ field: "v", direction: "ASC" }] }, opts);
    expect(sorted.items.map((r) => r.id)).toEqual([2, 3, 4, 1, 5]);
    const past = runSearch(rows, { filterGroups: [], sortOrders: [], pageSize: 2, currentPage: 4 }, opts);
    expect(past).toEqual({ items: [], total: 5 });
    const replay = runSearch(rows, { filterGroups: [], sortOrders: [], pageSize: 2, currentPage: 4 }, { ...opts, replayLastPage: true });
    expect(replay.items.map((r) => r.id)).toEqual([5]);
  });

  it("projects fields= recursively", () => {
    const tree = parseFields("items[entity_id,billing_address[city]],total_count");
    expect(
      applyFields({ items: [{ entity_id: 1, x: 2, billing_address: { city: "A", zip: "1" } }], total_count: 1, search_criteria: {} }, tree),
    ).toEqual({
      items: [{ entity_id: 1, billing_address: { city: "A" } }],
      total_count: 1,
    });
  });
});

describe("OAuth 1.0a", () => {
  it("builds the RFC 5849 §3.4.1 example base string", () => {
    const url = new URL("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b");
    const base = signatureBaseString("POST", normalizeBaseUrl(url), [
      ["b5", "=%3D"],
      ["a3", "a"],
      ["c@", ""],
      ["a2", "r b"],
      ["oauth_consumer_key", "9djdj82h48djs9d2"],
      ["oauth_token", "kkk9d7dh3k39sjv7"],
      ["oauth_signature_method", "HMAC-SHA1"],
      ["oauth_timestamp", "137131201"],
      ["oauth_nonce", "7d8f3e4a"],
      ["c2", ""],
      ["a3", "2 q"],
    ]);
    expect(base).toBe(
      "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7",
    );
    expect(normalizeBaseUrl(new URL("HTTP://Example.COM:80/r"))).toBe("http://example.com/r");
  });

  it("signs headers the verifier can parse back", () => {
    const integration = { consumerKey: "ck", consumerSecret: "cs", accessToken: "at", accessTokenSecret: "ats" };
    const header = signOAuthRequest("GET", "http://127.0.0.1:1/rest/V1/orders?searchCriteria[pageSize]=1", integration, {
      nonce: "n",
      timestamp: 100,
    });
    const p = parseOAuthHeader(header);
    expect(p).toMatchObject({
      oauth_consumer_key: "ck",
      oauth_token: "at",
      oauth_nonce: "n",
      oauth_timestamp: "100",
      oauth_signature_method: "HMAC-SHA256",
      oauth_version: "1.0",
    });
    const base = signatureBaseString("GET", "http://127.0.0.1:1/rest/V1/orders", [
      ...Object.entries(p).filter(([k]) => k !== "oauth_signature"),
      ["searchCriteria[pageSize]", "1"],
    ] as [string, string][]);
    expect(p.oauth_signature).toBe(oauthSignature("HMAC-SHA256", base, "cs", "ats"));
  });
});

describe("Random", () => {
  it("is reproducible per seed", () => {
    const a = new Random(42),
      b = new Random(42),
      c = new Random(43);
    const seq = (r: Random) => Array.from({ length: 5 }, () => r.int(0, 1000));
    expect(seq(a)).toEqual(seq(b));
    expect(seq(new Random(42))).not.toEqual(seq(c));
  });
});
