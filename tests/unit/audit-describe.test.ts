import { describe, expect, it } from "vitest";
import { REDACTED, actionLabel, describeAuditCell, describeDetails, looksLikeSecret } from "@/lib/audit/describe";

describe("audit entries in words", () => {
  it("labels known actions and reads unknown ones as words", () => {
    expect(actionLabel("user.role_changed")).toBe("Role changed");
    expect(actionLabel("user.password_reset")).toBe("Password reset");
    expect(actionLabel("cart.converted")).toBe("Cart converted");
  });

  it("shows a role change as old → new, without repeating the user's email", () => {
    expect(describeDetails("user.role_changed", { email: "jo@example.com", from: "agent", to: "manager" })).toEqual([
      "role: agent → manager",
    ]);
  });

  it("shows a channel's changes map field by field and the credentials as replaced, never their values", () => {
    const lines = describeDetails("channel.updated", {
      changes: {
        name: { from: "EU", to: "EU store" },
        syncIntervalMinutes: { from: 5, to: 15 },
        websiteOriginIds: { from: null, to: [1, 2] },
      },
      credentials: { from: REDACTED, to: REDACTED, fields: ["accessToken"] },
    });
    expect(lines).toEqual([
      "name: EU → EU store",
      "sync interval minutes: 5 → 15",
      "website origin ids: (none) → 1, 2",
      "credentials: replaced (access token)",
    ]);
    expect(describeDetails("channel.updated", { changes: {}, credentials: "unchanged" })).toEqual([]);
  });

  it("says a one-time password was generated and sessions ended, and nothing more about it", () => {
    expect(describeDetails("user.password_reset", { email: "jo@example.com", oneTimePassword: "generated", sessionsEnded: true })).toEqual([
      "one-time password generated",
      "signed out everywhere",
    ]);
    // Whatever order Postgres stored the keys in.
    expect(describeDetails("user.password_reset", { sessionsEnded: true, oneTimePassword: "generated" })).toEqual([
      "one-time password generated",
      "signed out everywhere",
    ]);
    expect(describeDetails("user.created", { role: "agent", email: "jo@example.com", oneTimePassword: "generated", name: "Jo" })).toEqual([
      "name: Jo",
      "role: agent",
      "one-time password generated",
    ]);
  });

  it("redacts secret-named keys and token-looking values wherever they are", () => {
    const token = "k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7i8";
    const text = describeDetails("channel.updated", {
      accessToken: token,
      password: "hunter2hunter2",
      changes: { consumerSecret: { from: "a", to: "b" }, note: { from: "x", to: token } },
      nested: { apiKey: "abc", value: token },
      header: "Bearer abc.def",
    }).join(" · ");
    expect(text).not.toContain(token);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("abc.def");
    expect(text).toContain("consumer secret: replaced");
    expect(text).toContain(`note: x → ${REDACTED}`);
  });

  it("keeps ordinary values: emails, dates, URLs, short codes", () => {
    for (const value of ["jane@example.com", "2026-11-25T09:30:00.000Z", "https://shop.example.com/rest", "pending_payment", "12345"]) {
      expect(looksLikeSecret(value), value).toBe(false);
    }
  });

  it("leaves out unset values, e.g. an export without search or selection", () => {
    expect(describeDetails("export.csv", { grid: "orders", filters: {}, q: null, selection: null, rows: 12, status: "completed" })).toEqual(
      ["grid: orders", "rows: 12", "status: completed"],
    );
  });

  it("reads the grid cell from the JSON text the CSV export gets as well as from an object", () => {
    const entry = { action: "user.role_changed", details: { email: "a@b.c", from: "viewer", to: "agent" } };
    expect(describeAuditCell(entry)).toBe("role: viewer → agent");
    expect(describeAuditCell(JSON.stringify(entry))).toBe("role: viewer → agent");
    expect(describeAuditCell("not json")).toBe("");
  });
});

describe("amounts in audit entries", () => {
  it("shows a conversion's totals as money in the order's currency", () => {
    const lines = describeDetails("cart.converted", {
      orderIncrementId: "000000042",
      totals: { subtotal: 88, shipping: "5.0000", discount: -8.8, tax: null, grandTotal: 84.2, currency: "EUR" },
    });
    expect(lines).toContain("totals: subtotal €88.00, shipping €5.00, discount -€8.80, tax (none), grand total €84.20");
  });

  it("says the currency is unknown rather than printing bare amounts", () => {
    expect(describeDetails("cart.converted", { totals: { grandTotal: 93, currency: null } })).toEqual([
      "totals: grand total 93.00 (currency unknown)",
    ]);
  });
});

describe("sign-in entries", () => {
  it("read in words: the label, the reason and the lock's end", () => {
    expect(actionLabel("user.sign_in_failed")).toBe("Sign-in failed");
    expect(actionLabel("user.locked_out")).toBe("Locked out");
    expect(actionLabel("user.unlocked")).toBe("User unlocked");
    expect(describeDetails("user.sign_in_failed", { email: "a@example.com", reason: "wrong password" })).toEqual([
      "reason: wrong password",
    ]);
    expect(describeDetails("user.locked_out", { email: "a@example.com", failures: 5, lockedUntil: "2026-11-25T09:30:00.000Z" })).toEqual([
      "failures: 5",
      "locked until 25 Nov 2026, 09:30 UTC",
    ]);
    expect(
      describeDetails("user.password_reset", { email: "a@example.com", oneTimePassword: "generated", sessionsEnded: true, unlocked: true }),
    ).toEqual(["one-time password generated", "signed out everywhere", "lockout lifted"]);
  });
});

describe("account changes", () => {
  it("reads a merge, a move and an undo as sentences", () => {
    expect(
      describeDetails("account.merge", {
        source: { id: 12, name: "Pat Doe" },
        target: { id: 34, name: "Sam Roe" },
        customerIds: [1, 2],
        emails: ["pat@example.com"],
        repointedAccountIds: [],
        sourceBefore: { mergedIntoId: null, mergedAt: null },
      }),
    ).toEqual(["Pat Doe (#12) merged into Sam Roe (#34)", "2 customers and 1 email moved"]);
    expect(
      describeDetails("account.move", {
        customer: { id: 5, name: "Gus Guest", email: "gus@example.com" },
        customerIds: [5, 6],
        emails: ["gus@example.com"],
        from: { id: 1, name: "Gus Guest" },
        to: { id: 9, name: "Gus & Co" },
        createdAccount: true,
      }),
    ).toEqual([
      "Gus Guest moved from Gus Guest (#1) to the new account Gus & Co (#9)",
      "with 1 guest checkout merged into it",
      "email gus@example.com now joins the new account",
    ]);
    expect(
      describeDetails("account.undo", {
        auditId: 77,
        undid: "account.merge",
        source: { id: 12, name: "Pat Doe" },
        customersBack: 1,
        customersLeft: 1,
      }),
    ).toEqual(["undid merge entry #77", "Pat Doe (#12) restored with 1 customer", "1 customer moved on since and stayed"]);
    expect(actionLabel("account.merge")).toBe("Accounts merged");
  });
});
