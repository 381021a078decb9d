import { describe, expect, it } from "vitest";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { runExclusively, runMaintenanceOnce } from "./maintenance";

const { db } = setupTestDatabase();

describe("maintenance", () => {
  it("prunes request-log entries older than the retention period and keeps recent ones", async () => {
    const prisma = db().prisma;
    const marker = unique("ua");
    const day = 86_400_000;
    await prisma.requestLog.createMany({
      data: [31, 29, 1].map((age) => ({
        createdAt: new Date(Date.now() - age * day),
        method: "GET",
        path: "/Users",
        status: 200,
        latencyMs: 1,
        userAgent: marker,
      })),
    });
    await runMaintenanceOnce(prisma);
    const left = await prisma.requestLog.findMany({ where: { userAgent: marker }, orderBy: { createdAt: "asc" } });
    expect(left.map((r) => Math.round((Date.now() - r.createdAt.getTime()) / day))).toEqual([29, 1]);
  });

  it("skips a job another session holds", async () => {
    const prisma = db().prisma;
    const key = 424242;
    const results = await prisma.$transaction(async (tx) => {
      await tx.$queryRawUnsafe("SELECT 1 AS ok FROM pg_advisory_xact_lock($1)", key);
      if (db().kind === "pglite") return ["pglite: one connection, nothing to contend with"];
      return [await runExclusively(prisma, key, async () => "ran")];
    });
    if (db().kind === "postgres") expect(results).toEqual([undefined]);
    expect(await runExclusively(prisma, key, async () => "ran")).toBe("ran");
  });
});
