import { describe, expect, it } from "vitest";
import { DEFAULT_ABANDONMENT_DELAY_HOURS } from "@/lib/sync/rules/abandoned-carts";
import { generateStore } from "@/simulator/generate";

// The demo store (the simulator's defaults) must give the Abandoned Carts report something to show:
// active carts with items and a known email, idle from a day to weeks, within the demo channel's
// 30-day cart expiration, spread over every age bucket up to 30 days.

const DAY = 86_400;

describe("the simulator's demo store", () => {
  it("has more than 100 abandoned carts, idle from a day to a month, in every young age bucket", () => {
    const now = Date.UTC(2026, 2, 10) / 1000;
    const store = generateStore({ now });
    const customers = new Map([...store.customers.values()].map((c) => [c.id, c.email]));
    const idleDays: number[] = [];
    for (const cart of store.carts.values()) {
      const email = cart.guest?.email ?? (cart.customerId === null ? null : customers.get(cart.customerId));
      if (!cart.isActive || cart.items.length === 0 || !email?.trim()) continue;
      const idle = (now - Date.parse(`${cart.updatedAt.replace(" ", "T")}Z`) / 1000) / DAY;
      if (idle * 24 >= DEFAULT_ABANDONMENT_DELAY_HOURS && idle <= 30) idleDays.push(idle);
    }
    expect(idleDays.length).toBeGreaterThan(100);
    const within = (from: number, to: number) => idleDays.filter((d) => d >= from && d < to).length;
    expect(within(1, 3)).toBeGreaterThan(5);
    expect(within(3, 8)).toBeGreaterThan(5);
    expect(within(8, 14)).toBeGreaterThan(5);
    expect(within(14, 31)).toBeGreaterThan(5);
  });
});
