import Link from "next/link";
import { GlobalSearchBox } from "@/components/search/global-search-box";
import { SidebarNav } from "@/components/shell/sidebar-nav";
import { UserMenu } from "@/components/shell/user-menu";
import { navigationFor } from "@/lib/auth/navigation";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { signOutAction } from "./actions";

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <div className="flex min-h-screen">
      {/* The aside stretches to the page's full height (its background and border reach the bottom of
          long pages); the navigation inside stays on screen while the page scrolls. */}
      <aside className="hidden w-56 shrink-0 border-r border-slate-200 bg-white md:block">
        <div className="sticky top-0 max-h-screen overflow-y-auto px-3 py-5">
          <Link href="/dashboard" className="mb-6 flex items-center gap-2 px-3">
            <span className="flex h-7 w-7 items-center justify-center rounded-lg bg-brand-600 text-xs font-bold text-white">SP</span>
            <span className="text-sm font-semibold text-slate-900">Sales Portal</span>
          </Link>
          <SidebarNav sections={navigationFor(user.permissions)} />
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-10 flex h-14 items-center justify-between border-b border-slate-200 bg-white/90 px-6 backdrop-blur">
          <details className="md:hidden">
            <summary className="cursor-pointer list-none rounded-md px-2 py-1 text-sm font-medium text-slate-700 hover:bg-slate-100">
              Menu
            </summary>
            <div className="absolute left-0 z-20 mt-2 w-64 rounded-lg bg-white p-3 shadow-lg ring-1 ring-slate-200">
              <SidebarNav sections={navigationFor(user.permissions)} />
            </div>
          </details>
          <span className="hidden md:block" />
          <GlobalSearchBox />
          <UserMenu name={user.name} email={user.email} roleLabel={ROLE_LABELS[user.role]} signOut={signOutAction} />
        </header>
        <main className="flex-1 px-6 py-6">{children}</main>
      </div>
    </div>
  );
}
