import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RequestBudgetLine } from "@/components/sync/progress-panel";

// The channel page's line about the sync's request budget: the figures, and the note when the
// budget was lowered because Magento refused requests or slowed down.

type Figures = { inFlight: number; limit: number; max: number; maxInFlightSeen: number; decreases: number };
const render = (budget: Figures & { shares?: Record<string, Figures & { updatedAt: string }> }) =>
  renderToStaticMarkup(createElement(RequestBudgetLine, { budget: { ...budget, updatedAt: "2025-06-01T12:00:00.000Z" } }))
    .replace(/<[^>]+>/g, "")
    .replace(/\s+/g, " ")
    .trim();

describe("RequestBudgetLine", () => {
  it("shows requests in flight and the budget out of the setting", () => {
    expect(render({ inFlight: 5, limit: 8, max: 8, maxInFlightSeen: 8, decreases: 0 })).toBe("Requests in flight: 5 · budget 8 of 8");
  });

  it("says why when the budget is below the setting", () => {
    expect(render({ inFlight: 4, limit: 4, max: 8, maxInFlightSeen: 8, decreases: 1 })).toBe(
      "Requests in flight: 4 · budget 4 of 8 — Magento is slowing down or refused requests (429/503); the sync eases off and speeds up again by itself.",
    );
  });

  it("says when several workers share the run (the figures are their sum)", () => {
    const share = { inFlight: 3, limit: 4, max: 4, maxInFlightSeen: 4, decreases: 0, updatedAt: "2025-06-01T12:00:00.000Z" };
    expect(render({ inFlight: 6, limit: 8, max: 8, maxInFlightSeen: 8, decreases: 0, shares: { "0": share, "1": share } })).toBe(
      "Requests in flight: 6 · budget 8 of 8 · shared by 2 workers",
    );
  });

  it("keeps the changing figures out of the live region", () => {
    const html = renderToStaticMarkup(
      createElement(RequestBudgetLine, {
        budget: { inFlight: 1, limit: 2, max: 6, maxInFlightSeen: 6, decreases: 2, updatedAt: "2025-06-01T12:00:00.000Z" },
      }),
    );
    expect(html).toMatch(/<span aria-live="off"[^>]*>Requests in flight: 1 · budget 2 of 6<\/span>/);
  });
});
