import Link from "next/link";
import { Logo } from "@/components/ui/logo";
import { SignOutButton } from "@/components/ui/sign-out-button";
import { requireReviewerPage } from "@/lib/auth/principal";
import { Providers } from "../dashboard/providers";
import { ReviewQueue } from "./review-queue";
import { WallReviewQueue } from "./wall-review-queue";

export const metadata = { title: "My reviews" };
export const dynamic = "force-dynamic";

/** "My reviews": any signed-in person of a directory — no dashboard role needed — sees their own queue. */
export default async function MyReviewsPage() {
  const reviewer = await requireReviewerPage();
  return (
    <div className="mx-auto max-w-6xl px-6 py-6">
      <header className="mb-6 flex items-center justify-between">
        <Link href="/" aria-label="Custodian home"><Logo className="text-brand-900" /></Link>
        <div className="flex items-center gap-4 text-sm">
          <Link href="/dashboard" className="text-slate-600 underline">Dashboard</Link>
          <SignOutButton />
        </div>
      </header>
      <main>
        <h1 className="text-2xl font-semibold text-brand-900">My reviews</h1>
        {reviewer === "not_linked" ? (
          <p className="mt-4 text-slate-700">Your account is not linked to exactly one person of a directory, so no access reviews are assigned to you.</p>
        ) : (
          <Providers>
            <ReviewQueue />
            <WallReviewQueue />
          </Providers>
        )}
      </main>
    </div>
  );
}
