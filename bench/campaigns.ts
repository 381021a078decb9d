// `npm run bench:campaigns`: issue 19's targets for access review campaigns, in process against a
// fresh PostgreSQL database filled with the access benchmark's organisation (scripts/generate-scale.ts;
// --scale 1 = full: 50,000 people, 200,000 contracts, 500 repositories).
//
//   start    a campaign over every person × their repositories (repository owners review, one
//            owner per repository): wall time of startCampaign, and meanwhile SCIM GET /Users/{id}
//            through the real SCIM handler, whose p95 beside the same loop before the start says
//            whether the server keeps answering;
//   queue    the busiest reviewer's "My reviews" page of 100 (reasons, last opened): p95;
//   close    --revocations items decided "revoke" (bulk, by their reviewers, not timed), then
//            closeCampaign, which applies them: wall time; while it runs, the revocations already
//            recorded are checked with the engine (checkAccess): each must be denied.
//
//   npm run bench:campaigns -- [--scale 1] [--revocations 10000] [--samples 50]
//                             [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
import os from "node:os";
import { parseArgs } from "node:util";
import { freshPostgresDatabase } from "./server";
import { DEFAULT_SCALE, generateScale, scaleId, type ScaleOptions } from "../scripts/generate-scale";

const { values } = parseArgs({
  options: {
    scale: { type: "string", default: "1" },
    revocations: { type: "string", default: "10000" },
    samples: { type: "string", default: "50" },
    postgres: { type: "string", default: process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});
const SCALE = Number(values.scale);
const REVOCATIONS = Number(values.revocations);
const SAMPLES = Number(values.samples);
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

function scaled(f: number): ScaleOptions {
  const n = (x: number, min: number) => Math.max(min, Math.round(x * f));
  const o = DEFAULT_SCALE;
  return { ...o, users: n(o.users, 10), groups: n(o.groups, 5), repositories: n(o.repositories, 1), contracts: n(o.contracts, 1), rules: n(o.rules, 1) };
}

async function main() {
  const database = await freshPostgresDatabase(values.postgres!);
  process.env.DATABASE_URL = database.url;
  process.env.LOG_LEVEL = "warn";
  process.env.SCIM_RATE_LIMIT_PER_MINUTE = "1000000";
  const { getDatabase, closeDatabase } = await import("@/lib/db/client");
  const { migrate } = await import("@/lib/db/migrate");
  const { handleScimRequest } = await import("@/lib/scim/router");
  const { createScimToken } = await import("@/lib/directories/service");
  const { createDefinition, setRepositoryOwners, startCampaign, decideItems, closeCampaign } = await import("@/lib/reviews/service");
  const { myQueue } = await import("@/lib/reviews/queries");
  const { checkAccess } = await import("@/lib/access/effective-access");
  const actor = { type: "system" as const, label: "bench" };
  const scale = scaled(SCALE);
  const results: string[] = [];
  try {
    const db = await getDatabase();
    await db.withSession((s) => migrate(s));
    const prisma = db.prisma;
    process.stdout.write(`# generating ${JSON.stringify(scale)} (load average ${load()})\n`);
    const summary = await generateScale(db, scale, (line) => process.stdout.write(`${line}\n`));
    process.stdout.write(`  generated in ${summary.seconds.toFixed(1)} s\n`);

    // One owner per repository, taken from the people; the fallback reviewer is the last person.
    const repositories = await prisma.repository.findMany({ select: { id: true }, orderBy: { id: "asc" } });
    for (let i = 0; i < repositories.length; i++) {
      await setRepositoryOwners(prisma, { repositoryId: repositories[i].id, userIds: [scaleId(scale.seed, "user", 1 + ((i * 97) % scale.users))], actor });
    }
    const fallback = scaleId(scale.seed, "user", scale.users);
    const definition = await createDefinition(prisma, {
      input: { name: "Bench: everyone × their repositories", config: { stages: [{ reviewers: "repository_owners", namedReviewerIds: [] }], fallbackReviewerId: fallback, undecided: "keep", justification: { keep: false, revoke: false } } },
      actor,
    });

    // SCIM through the real handler, before and during the start.
    const [directory] = await prisma.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM "Directory" ORDER BY id LIMIT 1`);
    const { token } = await createScimToken(prisma, { directoryId: directory.id, actor });
    let k = 0;
    const scimGet = async () => {
      const id = scaleId(scale.seed, "user", 1 + ((k++ * 7919) % scale.users));
      const t = performance.now();
      const res = await handleScimRequest(new Request(`http://localhost/scim/v2/Users/${id}`, { headers: { authorization: `Bearer ${token}` } }));
      await res.text();
      if (res.status !== 200) throw new Error(`SCIM GET answered ${res.status}`);
      return performance.now() - t;
    };
    const scimLoop = (stop: () => boolean) =>
      (async () => {
        const times: number[] = [];
        while (!stop()) {
          times.push(await scimGet());
          await new Promise((r) => setTimeout(r, 20));
        }
        return times;
      })();
    let quietDone = false;
    setTimeout(() => (quietDone = true), 5000);
    const quiet = await scimLoop(() => quietDone);

    let started = false;
    const during = scimLoop(() => started);
    const t0 = performance.now();
    const campaign = await startCampaign(prisma, { definitionId: definition.id, actor });
    const startMs = performance.now() - t0;
    started = true;
    const duringTimes = await during;
    results.push(
      `start a campaign over ${campaign.populationSize} items (${scale.users} people × their repositories): ${(startMs / 1000).toFixed(1)} s (target < 60 s); ` +
        `SCIM GET /Users/{id} p95 ${fmt(percentile(quiet, 95))} before, ${fmt(percentile(duringTimes, 95))} during (${duringTimes.length} requests, max ${fmt(Math.max(...duringTimes))}); load ${load()}`,
    );
    process.stdout.write(`  ${results.at(-1)}\n`);

    // The busiest reviewer's queue.
    const [busiest] = await prisma.$queryRawUnsafe<{ reviewerId: string; n: number }[]>(
      `SELECT "reviewerId", count(*)::int AS n FROM "ReviewItem" WHERE "campaignId" = $1 AND "reviewerId" IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
      campaign.id,
    );
    const queueTimes: number[] = [];
    for (let i = 0; i < SAMPLES + 3; i++) {
      const t = performance.now();
      const page = await myQueue(prisma, { reviewerId: busiest.reviewerId, query: { pageSize: 100, page: 1 + (i % 5) } });
      if (i >= 3) queueTimes.push(performance.now() - t);
      if (page.items.length === 0) throw new Error("empty queue page");
    }
    results.push(`reviewer's queue page of 100 (reviewer of ${busiest.n} items): p50 ${fmt(percentile(queueTimes, 50))}, p95 ${fmt(percentile(queueTimes, 95))} (target < 300 ms); load ${load()}`);
    process.stdout.write(`  ${results.at(-1)}\n`);

    // Revoke decisions (not timed): spread over reviewers, never self-review, in bulk of up to 500.
    const toRevoke = await prisma.$queryRawUnsafe<{ id: string; reviewerId: string }[]>(
      `SELECT id, "reviewerId" FROM "ReviewItem" WHERE "campaignId" = $1 AND "reviewerId" IS NOT NULL AND "reviewerId" <> "userId" AND confidentiality < 3
       ORDER BY md5(id) LIMIT $2`,
      campaign.id,
      REVOCATIONS,
    );
    const byReviewer = new Map<string, string[]>();
    for (const r of toRevoke) byReviewer.set(r.reviewerId, [...(byReviewer.get(r.reviewerId) ?? []), r.id]);
    for (const [reviewerId, ids] of byReviewer) {
      for (let i = 0; i < ids.length; i += 500) {
        await decideItems(prisma, { campaignId: campaign.id, reviewerId, input: { itemIds: ids.slice(i, i + 500), decision: "revoke" }, actor });
      }
    }

    // Close, checking meanwhile that every revocation recorded so far is denied by the engine.
    let closed = false;
    let checked = 0;
    const violations: string[] = [];
    const checker = (async () => {
      while (!closed) {
        // The newest exclusions the close recorded (each in the transaction that marks its item
        // applied), by Exclusion's campaign index: reading them off "ReviewItem" by "appliedAt"
        // scanned the campaign's 1.4 million items, 1.3 s a time, on the core the close needed.
        const applied = await prisma.$queryRawUnsafe<{ userId: string; contractId: string | null; repositoryId: string | null }[]>(
          `SELECT x."userId", x."contractId", x."repositoryId" FROM "Exclusion" x WHERE x."campaignId" = $1 ORDER BY x."createdAt" DESC LIMIT 5`,
          campaign.id,
        );
        for (const a of applied) {
          const [contract] = a.contractId
            ? [{ id: a.contractId }]
            : await prisma.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM "Contract" WHERE "repositoryId" = $1 AND "endDate" IS NULL ORDER BY id LIMIT 1`, a.repositoryId);
          if (!contract) continue;
          const answer = await checkAccess(prisma, { userId: a.userId, contractId: contract.id });
          checked++;
          if (answer.allowed) violations.push(`${a.userId} on ${contract.id}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t1 = performance.now();
    await closeCampaign(prisma, { campaignId: campaign.id, actor });
    const closeMs = performance.now() - t1;
    closed = true;
    await checker;
    const applied = await prisma.reviewItem.count({ where: { campaignId: campaign.id, outcome: "revoke", appliedAt: { not: null } } });
    results.push(
      `close applying ${applied} revocations: ${(closeMs / 1000).toFixed(1)} s (target < 60 s; ${(closeMs / Math.max(1, applied)).toFixed(1)} ms per revocation); ` +
        `${checked} engine checks of recorded revocations during the close, ${violations.length} still allowed${violations.length ? `: ${violations.slice(0, 3).join(", ")}` : ""}; load ${load()}`,
    );
    process.stdout.write(`  ${results.at(-1)}\n`);
    process.stdout.write(`\n## bench:campaigns, scale ${SCALE} (${os.cpus().length} CPUs, load average ${load()})\n${results.map((r) => `- ${r}`).join("\n")}\n`);
  } catch (err) {
    console.error("bench:campaigns failed:", err);
    process.exit(1);
  } finally {
    await closeDatabase();
    await database.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
