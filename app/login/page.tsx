import { redirect } from "next/navigation";
import { Logo } from "@/components/ui/logo";
import { currentPrincipal } from "@/lib/auth/principal";
import { oidcConfigured } from "@/lib/auth/options";
import { getConfig } from "@/lib/config";
import { LoginForm } from "./login-form";

export const metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string; callbackUrl?: string; changed?: string }> }) {
  if (await currentPrincipal()) redirect("/dashboard");
  const { error, changed } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
        <Logo className="text-lg text-brand-900" />
        <h1 className="mt-6 text-xl font-semibold text-slate-900">Sign in to Custodian</h1>
        <LoginForm error={error} sso={oidcConfigured() ? getConfig().OIDC_NAME : undefined} notice={changed ? "Password changed. Sign in with the new one." : undefined} />
      </div>
    </main>
  );
}
