"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** While a change is on its way to Magento, re-reads the page every few seconds (for a minute at most). */
export function RefreshWhilePending({ pending, everyMs = 2000, maxTimes = 30 }: { pending: boolean; everyMs?: number; maxTimes?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!pending) return;
    let times = 0;
    const timer = setInterval(() => {
      times += 1;
      if (times > maxTimes) clearInterval(timer);
      else router.refresh();
    }, everyMs);
    return () => clearInterval(timer);
  }, [pending, everyMs, maxTimes, router]);
  return null;
}
