"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";

function describe(error: string | undefined): string | undefined {
  if (!error) return undefined;
  if (error.startsWith("Locked:")) {
    const seconds = Number(error.slice(7));
    return `Too many failed attempts. Try again in ${Math.max(1, Math.ceil(seconds / 60))} minute(s).`;
  }
  if (error === "CredentialsSignin") return "E-mail or password is incorrect.";
  // The sign-in rate limit or the bound on concurrent password checks (lib/auth/options.ts).
  if (error === "TooManyAttempts") return "Too many sign-in attempts. Please try again shortly.";
  if (error === "AccessDenied") return "Your account has no access to Custodian.";
  return "Sign-in failed. Please try again.";
}

export function LoginForm({ error, sso, notice }: { error?: string; sso?: string; notice?: string }) {
  const router = useRouter();
  const [message, setMessage] = useState(describe(error));
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setMessage(undefined);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    setPending(false);
    if (result?.ok && !result.error) {
      router.push("/dashboard");
      router.refresh();
    }
    else setMessage(describe(result?.error ?? "CredentialsSignin"));
  }

  return (
    <div className="mt-6">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <div>
          <label htmlFor="email" className="block text-sm font-medium text-slate-700">
            E-mail
          </label>
          <input id="email" name="email" type="email" autoComplete="username" required
            className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600" />
        </div>
        <div>
          <label htmlFor="password" className="block text-sm font-medium text-slate-700">
            Password
          </label>
          <input id="password" name="password" type="password" autoComplete="current-password" required
            className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600" />
        </div>
        {notice && !message && (
          <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
            {notice}
          </p>
        )}
        {message && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {message}
          </p>
        )}
        <button type="submit" disabled={pending}
          className="w-full rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600 focus-visible:ring-offset-2">
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {sso && (
        <button type="button" onClick={() => signIn("oidc", { callbackUrl: "/dashboard" })}
          className="mt-4 w-full rounded-md border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50">
          Continue with {sso}
        </button>
      )}
    </div>
  );
}
