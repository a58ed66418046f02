import type { Metadata } from "next";
import { signOutAction } from "@/app/(portal)/actions";
import { safeReturnPath } from "@/lib/auth/navigation";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { requirePasswordChangeUser } from "@/lib/auth/session";
import { ChoosePasswordForm } from "./choose-password-form";

export const metadata: Metadata = { title: "Choose a new password" };

// Reached by anyone signed in with a one-time password; every portal page sends them here first.
export default async function ChoosePasswordPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requirePasswordChangeUser();
  const params = await searchParams;
  const callbackUrl = safeReturnPath(typeof params.callbackUrl === "string" ? params.callbackUrl : undefined);
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-br from-brand-50 via-white to-slate-100 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Choose a new password</h1>
          <p className="mt-1 text-sm text-slate-600">
            You signed in as {user.email} with a one-time password. Choose your own to continue.
          </p>
        </div>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <ChoosePasswordForm callbackUrl={callbackUrl} minLength={MIN_PASSWORD_LENGTH} />
        </div>
        <form action={signOutAction} className="mt-4 text-center">
          <button type="submit" className="text-sm font-medium text-slate-600 hover:underline">
            Sign out
          </button>
        </form>
      </div>
    </main>
  );
}
