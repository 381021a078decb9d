import Link from "next/link";
import { Logo } from "@/components/ui/logo";
import { SignOutButton } from "@/components/ui/sign-out-button";
import { MyWalls } from "@/components/walls/my-walls";
import { requireReviewerPage } from "@/lib/auth/principal";
import { wallPagesData } from "@/lib/walls/page-data";

export const metadata = { title: "My walls" };
export const dynamic = "force-dynamic";

/** "My walls": any signed-in person of a directory — no dashboard role needed — reads and acknowledges the memos of the walls they are on. */
export default async function MyWallsPage() {
  const person = await requireReviewerPage();
  const walls = person === "not_linked" ? [] : await wallPagesData.ofPerson({ userId: person.personId });
  return (
    <div className="mx-auto max-w-4xl px-6 py-6">
      <header className="mb-6 flex items-center justify-between">
        <Link href="/" aria-label="Custodian home"><Logo className="text-brand-900" /></Link>
        <div className="flex items-center gap-4 text-sm">
          <Link href="/dashboard" className="text-slate-600 underline">Dashboard</Link>
          <Link href="/reviews" className="text-slate-600 underline">My reviews</Link>
          <SignOutButton />
        </div>
      </header>
      <main>
        <h1 className="text-2xl font-semibold text-brand-900">My walls</h1>
        <p className="mt-1 text-slate-600">The ethical walls you are on. Read each memo; where you are asked to, acknowledge it. Some walls withhold your access to their matter until you do.</p>
        {person === "not_linked" ? (
          <p className="mt-4 text-slate-700">Your account is not linked to exactly one person of a directory, so no walls are assigned to you.</p>
        ) : (
          <MyWalls walls={walls.map((w) => ({ ...w, acknowledgedAt: w.acknowledgedAt ? new Date(w.acknowledgedAt).toISOString() : null }))} />
        )}
      </main>
    </div>
  );
}
