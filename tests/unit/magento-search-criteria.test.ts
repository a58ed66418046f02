import { describe, expect, it } from "vitest";
import {
  CONDITION_TYPES,
  filter,
  MAX_PAGE_SIZE,
  searchCriteria,
  SearchCriteriaError,
  searchCriteriaParams,
  searchCriteriaQuery,
  withStableSort,
} from "@/lib/magento/search-criteria";
import { CONDITION_TYPES as SIMULATOR_CONDITION_TYPES, matchesFilter, parseSearchCriteria } from "@/simulator/search";

// searchCriteria serialisation: filters in one group are ORed, groups are ANDed; values are
// RFC 3986-encoded; pageSize and currentPage are always sent; pageSize is capped at 300.

/** The query decoded back into name → value, the way PHP would read it. */
const decoded = (query: string) => Object.fromEntries(new URLSearchParams(query));

describe("searchCriteriaQuery", () => {
  it("puts separate where() calls in separate groups (AND)", () => {
    const query = searchCriteriaQuery(searchCriteria().where("status", "eq", "pending").where("store_id", "eq", 1).pageSize(50).build());
    expect(query).toBe(
      [
        "searchCriteria[filter_groups][0][filters][0][field]=status",
        "searchCriteria[filter_groups][0][filters][0][value]=pending",
        "searchCriteria[filter_groups][0][filters][0][condition_type]=eq",
        "searchCriteria[filter_groups][1][filters][0][field]=store_id",
        "searchCriteria[filter_groups][1][filters][0][value]=1",
        "searchCriteria[filter_groups][1][filters][0][condition_type]=eq",
        "searchCriteria[pageSize]=50",
        "searchCriteria[currentPage]=1",
      ].join("&"),
    );
  });

  it("puts whereAny() filters in one group (OR)", () => {
    const query = searchCriteriaQuery(
      searchCriteria()
        .whereAny(filter("email", "like", "%@example.com"), filter("firstname", "eq", "Jane"))
        .where("website_id", "eq", 1)
        .build(),
    );
    const params = decoded(query);
    expect(params["searchCriteria[filter_groups][0][filters][0][field]"]).toBe("email");
    expect(params["searchCriteria[filter_groups][0][filters][1][field]"]).toBe("firstname");
    expect(params["searchCriteria[filter_groups][1][filters][0][field]"]).toBe("website_id");
    expect(params["searchCriteria[filter_groups][1][filters][1][field]"]).toBeUndefined();
  });

  it("encodes % in like values as %25 and other reserved characters as RFC 3986 says", () => {
    const query = searchCriteriaQuery(searchCriteria().where("name", "like", "%Tee & Co+ 100%").build());
    expect(query).toContain("[value]=%25Tee%20%26%20Co%2B%20100%25&");
    expect(decoded(query)["searchCriteria[filter_groups][0][filters][0][value]"]).toBe("%Tee & Co+ 100%");
    expect(searchCriteriaQuery(searchCriteria().where("name", "eq", "it's (x)*!").build())).toContain("[value]=it%27s%20%28x%29%2A%21&");
    expect(searchCriteriaQuery(searchCriteria().where("city", "eq", "Zürich").build())).toContain("[value]=Z%C3%BCrich&");
  });

  it("sends in/nin lists comma-separated and refuses values with commas", () => {
    const params = decoded(
      searchCriteriaQuery(searchCriteria().where("entity_id", "in", [3, 5, 8]).where("status", "nin", ["canceled", "closed"]).build()),
    );
    expect(params["searchCriteria[filter_groups][0][filters][0][value]"]).toBe("3,5,8");
    expect(params["searchCriteria[filter_groups][1][filters][0][value]"]).toBe("canceled,closed");
    expect(() => searchCriteria().where("sku", "in", ["a,b"]).build()).toThrow(/comma-separated/);
    expect(() => searchCriteria().where("sku", "in", []).build()).toThrow(/at least one value/);
    expect(() => searchCriteria().where("sku", "eq", ["a"]).build()).toThrow(/only "in" and "nin"/);
  });

  it("serialises every condition type", () => {
    for (const condition of CONDITION_TYPES) {
      const builder = searchCriteria();
      if (condition === "from" || condition === "to") builder.between("created_at", "2024-01-01 00:00:00", "2024-02-01 00:00:00");
      else builder.where("x", condition, condition === "in" || condition === "nin" ? ["1", "2"] : "1");
      const values = Object.entries(decoded(searchCriteriaQuery(builder.build())))
        .filter(([name]) => name.endsWith("[condition_type]"))
        .map(([, value]) => value);
      expect(values).toContain(condition);
    }
  });

  it("writes dates as Magento's UTC text, booleans as 1/0, numbers without exponents", () => {
    const params = decoded(
      searchCriteriaQuery(
        searchCriteria()
          .between("updated_at", new Date("2024-03-05T07:08:09.123Z"), new Date("2024-03-06T00:00:00Z"))
          .where("is_active", "eq", true)
          .where("grand_total", "gt", 1e-7)
          .build(),
      ),
    );
    expect(params["searchCriteria[filter_groups][0][filters][0][value]"]).toBe("2024-03-05 07:08:09");
    expect(params["searchCriteria[filter_groups][0][filters][0][condition_type]"]).toBe("from");
    expect(params["searchCriteria[filter_groups][1][filters][0][condition_type]"]).toBe("to");
    expect(params["searchCriteria[filter_groups][2][filters][0][value]"]).toBe("1");
    expect(params["searchCriteria[filter_groups][3][filters][0][value]"]).toBe("0.0000001");
  });

  it("needs from and to together", () => {
    expect(() => searchCriteria().where("created_at", "from", "2024-01-01 00:00:00").build()).toThrow(/used together/);
  });

  it("sends null/notnull without needing a value", () => {
    const params = decoded(searchCriteriaQuery(searchCriteria().where("customer_id", "null").build()));
    expect(params["searchCriteria[filter_groups][0][filters][0][condition_type]"]).toBe("null");
    expect(params["searchCriteria[filter_groups][0][filters][0][value]"]).toBe("");
  });

  it("defaults a missing condition type to eq", () => {
    const params = decoded(searchCriteriaQuery({ filterGroups: [[{ field: "email", value: "a@b.c" }]], pageSize: 10 }));
    expect(params["searchCriteria[filter_groups][0][filters][0][condition_type]"]).toBe("eq");
  });

  it("serialises sort orders, the page and the fields projection", () => {
    const query = searchCriteriaQuery(
      searchCriteria()
        .sortBy("updated_at", "DESC")
        .sortBy("entity_id")
        .pageSize(20)
        .currentPage(3)
        .fields("items[entity_id,increment_id]")
        .build(),
    );
    expect(query).toBe(
      [
        "searchCriteria[sortOrders][0][field]=updated_at",
        "searchCriteria[sortOrders][0][direction]=DESC",
        "searchCriteria[sortOrders][1][field]=entity_id",
        "searchCriteria[sortOrders][1][direction]=ASC",
        "searchCriteria[pageSize]=20",
        "searchCriteria[currentPage]=3",
        "fields=items%5Bentity_id%2Cincrement_id%5D",
      ].join("&"),
    );
    expect(decoded(query).fields).toBe("items[entity_id,increment_id]");
  });

  it("always sends pageSize and currentPage, even with no filters", () => {
    expect(searchCriteriaParams({ pageSize: 300 })).toEqual([
      ["searchCriteria[pageSize]", "300"],
      ["searchCriteria[currentPage]", "1"],
    ]);
  });

  it("caps pageSize at 300 with a clear error", () => {
    expect(MAX_PAGE_SIZE).toBe(300);
    expect(() => searchCriteriaParams({ pageSize: 301 })).toThrow(SearchCriteriaError);
    expect(() => searchCriteriaParams({ pageSize: 301 })).toThrow(/301 is over 300.*since 2\.4\.3/);
    expect(() => searchCriteriaParams({ pageSize: 0 })).toThrow(/at least 1/);
    expect(() => searchCriteriaParams({ pageSize: 2.5 })).toThrow(/whole number/);
    expect(() => searchCriteriaParams({ pageSize: 10, currentPage: 0 })).toThrow(/currentPage/);
  });

  it("refuses field names that would break the query syntax", () => {
    expect(() => searchCriteria().where("a][b", "eq", "1").build()).toThrow(/not a field name/);
    expect(() => searchCriteria().sortBy("x y").build()).toThrow(/not a field name/);
  });

  it("withStableSort appends the id sort once", () => {
    const base = searchCriteria().sortBy("updated_at").build();
    expect(withStableSort(base, "entity_id").sortOrders).toEqual([
      { field: "updated_at", direction: "ASC" },
      { field: "entity_id", direction: "ASC" },
    ]);
    const already = searchCriteria().sortBy("entity_id", "DESC").build();
    expect(withStableSort(already, "entity_id")).toBe(already);
  });
});

// The simulator keeps its own copy of Magento's searchCriteria contract on purpose (simulator/README.md): it is the
// independent Magento the client is tested against, so the client's list of conditions and page cap are checked here
// against it rather than shared with it.
describe("against the simulator's reading of searchCriteria", () => {
  it("both know the same condition types, and the simulator reads back every one the client writes", () => {
    expect([...CONDITION_TYPES].sort()).toEqual([...SIMULATOR_CONDITION_TYPES].sort());
    for (const condition of CONDITION_TYPES) {
      const builder = searchCriteria().pageSize(10);
      if (condition === "from" || condition === "to") builder.between("created_at", "2024-01-01 00:00:00", "2024-02-01 00:00:00");
      else builder.where("x", condition, condition === "in" || condition === "nin" ? ["1", "2"] : "1");
      const read = parseSearchCriteria(new URLSearchParams(searchCriteriaQuery(builder.build())));
      expect(read.filterGroups.flat().map((f) => f.conditionType)).toContain(condition);
      for (const f of read.filterGroups.flat()) expect(() => matchesFilter({ x: "1", created_at: null }, f)).not.toThrow();
      expect([read.pageSize, read.currentPage]).toEqual([10, 1]);
    }
  });

  it("the simulator takes the client's largest page and refuses one more", () => {
    const query = (pageSize: number) => new URLSearchParams(`searchCriteria[pageSize]=${pageSize}`);
    expect(parseSearchCriteria(new URLSearchParams(searchCriteriaQuery({ pageSize: MAX_PAGE_SIZE }))).pageSize).toBe(MAX_PAGE_SIZE);
    expect(() => parseSearchCriteria(query(MAX_PAGE_SIZE + 1))).toThrow("Maximum SearchCriteria pageSize is %max");
  });
});
