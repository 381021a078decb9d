// `npm run access:verify-graph`: compares the maintained group closure (GroupClosure) with its
// recomputation from the membership history and exits non-zero on a difference.
//   npm run access:verify-graph                 check (reads only)
//   npm run access:verify-graph -- --rebuild    replace the closure by the recomputation (one
//                                               transaction; nesting changes wait for it)
import { parseArgs } from "node:util";
import { rebuildGroupClosure, verifyGroupClosure } from "@/lib/access/group-graph";
import { closeDatabase, getDatabase } from "@/lib/db/client";

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { rebuild: { type: "boolean" } } });
  const db = await getDatabase();
  try {
    if (values.rebuild) {
      const rows = await db.prisma.$transaction(
        async (tx) => {
          await tx.$executeRawUnsafe(`LOCK TABLE "GroupClosure" IN EXCLUSIVE MODE`);
          return rebuildGroupClosure(tx);
        },
        { timeout: 60 * 60 * 1000 },
      );
      console.log(`group closure rebuilt from the membership history: ${rows} rows`);
    }
    const mismatches = await verifyGroupClosure(db.prisma, { limit: 50 });
    if (mismatches.length === 0) {
      console.log("group closure verified: it equals its recomputation from the membership history");
      return 0;
    }
    for (const m of mismatches) {
      console.error(`${m.kind}: ${m.descendantId} inside ${m.ancestorId} by ${m.path} from ${m.validFrom.toISOString()} to ${m.validTo?.toISOString() ?? "now"}`);
    }
    console.error(`group closure differs from its recomputation (${mismatches.length}${mismatches.length === 50 ? "+" : ""} rows); run with --rebuild`);
    return 1;
  } finally {
    await closeDatabase();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`access:verify-graph failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
