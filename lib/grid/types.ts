// The contract of every workspace grid: a definition (trusted SQL per column, written by us) and a
// state read from the URL (untrusted, validated in lib/grid/params.ts). lib/grid/sql.ts turns the
// two into bound SQL; components/data-grid renders the result. One grid, six definitions.

import type { SQL } from "drizzle-orm";
import type { Permission } from "@/lib/auth/permissions";
import type { DatePreset } from "@/lib/date-presets";
import type { ReportFilters } from "@/lib/periods/filters";

export type ColumnKind = "text" | "money" | "number" | "date" | "choice" | "boolean";
export type FilterKind = "text" | "choice" | "number" | "date" | "boolean";

export type ChoiceOption = { value: string; label: string };

/** 1 = essential (never folds away), 2 = normal, 3 = folds first when the grid is narrow (lib/grid/fit.ts). */
export type ColumnPriority = 1 | 2 | 3;

/** The part a column plays on a row's card, the grid's form on a phone (lib/grid/fit.ts). */
export type CardRole = "title" | "who" | "amount" | "status" | "date";

export interface GridColumn {
  /** URL key and React key, e.g. "grand_total". Lower case, digits and underscores. */
  id: string;
  label: string;
  kind: ColumnKind;
  /** SQL expression over the grid's FROM clause: a constant of ours, never user input. */
  sql: string;
  /** money: SQL expression of the row's currency code. */
  currencySql?: string;
  /** Default true. */
  sortable?: boolean;
  /** Default: from `kind` (money/number → number, date → date, choice → choice, …); null = none. */
  filter?: FilterKind | null;
  /** choice filters: fixed options, or "distinct" = the values present in the data. */
  options?: readonly ChoiceOption[] | "distinct";
  /** Shown unless the user picks it (default: visible). */
  hiddenByDefault?: boolean;
  /** Searched by the grid's free-text box (prefix match, case-insensitive). */
  searchable?: boolean;
  /** Link target for the cell (e.g. the customer's page): SQL expression of a path, or null. */
  hrefSql?: string;
  /** choice: show values as status badges (default: for columns named "status"). */
  badge?: boolean;
  /** number: an identifier, shown without thousands separators. */
  plain?: boolean;
  /** choice: the label of a value (for "distinct" options and cells). */
  optionLabel?: (value: string) => string;
  /** text: turns the raw SQL value into the cell's text, on the page and in the CSV. */
  format?: (value: unknown) => string;
  /** Which shown columns fold away first on a narrow screen (default: 1 for the first column, else 2). */
  priority?: ColumnPriority;
  /** Its place on the row's card on a phone; a grid without any shows its first columns instead. */
  card?: CardRole;
}

export type GridId =
  | "orders"
  | "carts"
  | "customers"
  | "credit_memos"
  | "subscribers"
  | "accounts"
  | "audit_log"
  | "report_customers"
  | "report_accounts"
  | "report_abandoned_carts"
  | "report_sales"
  | "report_products"
  | "report_refunds";

/** What a saved marketing segment can select (lib/segments): the grids of these ids. */
export type SegmentEntity = "customers" | "subscribers" | "carts" | "accounts";

/**
 * A report grid: it also reads the reports' shared filters from the URL (lib/periods/filters.ts:
 * range/from/to/bucket/website; channel is the grid's own), applied as conditions on its rows or,
 * for reports that aggregate, inside the FROM clause (a date range must narrow rows before they are
 * summed, not filter the sums).
 */
export interface GridReport {
  /** Timestamp of a row the date range applies to, whole local days of `zoneSql`. */
  dateSql?: string;
  /** Time zone of a row's store, whose calendar days the range means (UTC when absent). */
  zoneSql?: string;
  /** Website id of a row, for the website filter. */
  websiteSql?: string;
  /** Rows that span websites (an account): the website filter's condition, instead of `websiteSql = <id>`. */
  websiteCondition?: (websiteId: number) => SQL;
  /** FROM clause built from the filters (values bound); replaces `from`. */
  from?: (filters: ReportFilters) => SQL;
}

export interface GridDefinition {
  id: GridId;
  title: string;
  /** Plural noun for counts and empty states ("orders"). */
  noun: string;
  /** FROM clause with joins (trusted). */
  from: string;
  /** Always-applied condition (trusted), e.g. "o.removed_at IS NULL". */
  where: string;
  /** Row id (the portal's id, for links and selection). */
  idSql: string;
  /** Channel id of a row, for the channel filter. */
  channelSql: string;
  /**
   * Rows that span channels (an account's customers may be in several): the channel filter's
   * condition, used instead of `channelSql = <id>`.
   */
  channelCondition?: (channelId: number) => SQL;
  /**
   * Another way the free-text search finds a row, ORed with the searchable columns (an account by
   * any of its emails); `pattern` is an escaped prefix ("ann%"), `label` joins the box's placeholder.
   */
  searchAlso?: { label: string; condition: (pattern: string) => SQL };
  columns: readonly GridColumn[];
  defaultSort: SortSpec;
  /** Path of a row's detail page; absent when rows have none (their cells may still link). */
  detailPath?: (id: string) => string;
  /** Who may read the grid (page, data and CSV export); default view_sales. */
  permission?: Permission;
  /** "distinct" filter options are read afresh each time instead of cached for a minute. */
  liveOptions?: boolean;
  /** Report grids: the shared report filters and how they apply. */
  report?: GridReport;
  /** Grids a saved segment can narrow (`?segment=<id>`). */
  segmentEntity?: SegmentEntity;
}

export type SortDirection = "asc" | "desc";
export type SortSpec = { column: string; direction: SortDirection };

export type TextOperator = "contains" | "starts" | "equals";

export type FilterValue =
  | { kind: "text"; op: TextOperator; value: string }
  | { kind: "choice"; values: string[] }
  | { kind: "number"; min: string | null; max: string | null }
  | { kind: "date"; preset: DatePreset | null; from: string | null; to: string | null }
  | { kind: "boolean"; value: boolean };

export const PAGE_SIZES = [25, 50, 100, 200] as const;
export type PageSize = (typeof PAGE_SIZES)[number];

export interface GridState {
  page: number;
  pageSize: PageSize;
  sort: SortSpec;
  filters: Record<string, FilterValue>;
  /** Free-text search over the searchable columns. */
  q: string | null;
  channelId: number | null;
  /** A saved segment (lib/segments) whose filters also apply; resolved on the server per user. */
  segmentId?: number | null;
  /** Report grids only: the shared report filters. */
  report?: ReportFilters | null;
}

/**
 * A fixed extra condition set by a page (never by the URL): `<sql> = value`, e.g. a customer's
 * orders; with `in: "account"`, `<sql>` (a customer id column) is one of the customers of account
 * `value`, e.g. an account's orders across all its customers.
 */
export type GridScope = { sql: string; value: string | number; label: string; in?: "account" };

/** Something in the URL that was ignored, said in words for the page. */
export type GridNotice = { param: string; message: string };
