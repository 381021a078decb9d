import Link from "next/link";
import { Logo } from "@/components/ui/logo";

const promises = [
  {
    title: "Provisioned by your identity provider",
    body: "Microsoft Entra ID, Okta, Google, OneLogin and JumpCloud push people and groups over SCIM 2.0.",
  },
  {
    title: "Who can see which contract, and why",
    body: "Groups map to permissions on contract repositories; every answer carries its chain of reasons.",
  },
  {
    title: "Evidence an auditor can trust",
    body: "Every grant and revocation lands in an append-only audit trail, in the same transaction as the change.",
  },
];

export default function LandingPage() {
  return (
    <div className="flex min-h-screen flex-col">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-5xl items-center justify-between px-6 py-4">
          <Logo className="text-lg text-brand-900" />
          <Link
            href="/login"
            className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600 focus-visible:ring-offset-2"
          >
            Sign in
          </Link>
        </div>
      </header>
      <main className="mx-auto w-full max-w-5xl flex-1 px-6 py-16">
        <h1 className="max-w-2xl text-4xl font-semibold tracking-tight text-brand-900">
          Access governance for contract repositories
        </h1>
        <p className="mt-4 max-w-2xl text-lg text-slate-600">
          When someone leaves, their access ends everywhere within the same request. When a contract ends, access
          to it ends without anyone remembering to do it.
        </p>
        <ul className="mt-12 grid gap-6 sm:grid-cols-3">
          {promises.map((p) => (
            <li key={p.title} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
              <h2 className="font-medium text-slate-900">{p.title}</h2>
              <p className="mt-2 text-sm text-slate-600">{p.body}</p>
            </li>
          ))}
        </ul>
      </main>
      <footer className="border-t border-slate-200 bg-white py-4 text-center text-xs text-slate-600">
        SCIM base URL: <code className="rounded bg-slate-100 px-1">/scim/v2</code> · Health:{" "}
        <code className="rounded bg-slate-100 px-1">/api/health</code>
      </footer>
    </div>
  );
}
