import type { Metadata } from "next";
import { safeReturnPath } from "@/lib/auth/navigation";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeReturnPath(typeof params.callbackUrl === "string" ? params.callbackUrl : undefined);
  const notice = params.ended === "1" ? "Your session has ended. Sign in again to continue." : undefined;
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-br from-brand-50 via-white to-slate-100 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <div className="mx-auto flex h-11 w-11 items-center justify-center rounded-xl bg-brand-600 text-lg font-bold text-white">SP</div>
          <h1 className="mt-4 text-2xl font-semibold tracking-tight text-slate-900">Sign in to the Sales Portal</h1>
          <p className="mt-1 text-sm text-slate-600">Carts, orders and customers from your Magento store.</p>
        </div>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <LoginForm callbackUrl={callbackUrl} notice={notice} />
        </div>
      </div>
    </main>
  );
}
