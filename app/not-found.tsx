import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-xl px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold text-brand-900">Page not found</h1>
      <p className="mt-2 text-slate-600">The page you asked for does not exist.</p>
      <Link href="/" className="mt-6 inline-block text-brand-600 underline">
        Back to Custodian
      </Link>
    </main>
  );
}
