// The demo's ethical walls (issue 20), through the walls service and the decision API like the
// rest of the story: an active M&A wall with two opposing sides (by counterparty), an exclusionary
// screen for a lateral hire (who acknowledged the memo, then tried to open screened contracts
// through AuthZEN — recorded attempts, a repeated one among them), and an inclusionary wall lifted
// three weeks ago whose lift certificate was issued and stored.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { whoCanAccessContract } from "@/lib/access/effective-access";
import type { Actor } from "@/lib/audit/record";
import { evaluate } from "@/lib/authzen/decisions";
import { runAt } from "@/lib/clock";
import { liftWallAndCertify } from "@/lib/walls/certificate";
import { acknowledgeWall, activateWall, createWall } from "@/lib/walls/service";

const readersOf = async (prisma: PrismaClient, contractId: string, at: Date) =>
  runAt(at, async () => (await whoCanAccessContract(prisma, { contractId, offset: 0, limit: 50 })).items.map((i) => i.user.id));

/** A person acting for themselves (single sign-on), as the route wrapper names them. */
async function personActor(prisma: PrismaClient, userId: string): Promise<Actor> {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { userName: true } });
  return { type: "admin", id: userId, label: user.userName };
}

export async function demoWalls(
  prisma: PrismaClient,
  options: { adminActor: Actor; at: (day: number, minutes?: number) => Date; days: number },
): Promise<{ walls: number; attempts: number }> {
  const { adminActor, at, days } = options;
  // The three counterparties with the most contracts.
  const parties = await prisma.$queryRawUnsafe<{ counterparty: string }[]>(
    `SELECT counterparty FROM "Contract" WHERE counterparty IS NOT NULL AND btrim(counterparty) <> '' GROUP BY counterparty ORDER BY count(*) DESC, counterparty LIMIT 3`,
  );
  if (parties.length < 3) return { walls: 0, attempts: 0 };
  // By external reference (the demo's own numbering), not by id: ids are random, so the sides wall
  // was left out in the runs whose first contracts had no disjoint readers.
  const contractsOf = (counterparty: string) => prisma.contract.findMany({ where: { counterparty }, orderBy: { externalRef: "asc" }, take: 3, select: { id: true, title: true } });
  const [a, b, c] = await Promise.all(parties.map((p) => contractsOf(p.counterparty)));
  const [partyA, partyB, partyC] = parties.map((p) => p.counterparty);

  // --- The M&A wall: two sides of one matter ------------------------------------------------
  const sidesAt = at(days - 20);
  // Readers of the parties' contracts then, disjoint (the first contracts may have none left after
  // the campaigns' revocations: every listed contract is tried).
  const readersOfAny = async (list: { id: string }[]) => [...new Set((await Promise.all(list.map((x) => readersOf(prisma, x.id, sidesAt)))).flat())];
  const readersA = await readersOfAny(a);
  const readersB = (await readersOfAny(b)).filter((id) => !readersA.includes(id));
  const sideA = readersA.filter((id) => !readersB.includes(id)).slice(0, 3);
  const sideB = readersB.slice(0, 3);
  let walls = 0;
  if (sideA.length && sideB.length) {
    const falcon = await runAt(sidesAt, () =>
      createWall(prisma, {
        input: {
          name: "Project Falcon: opposing sides",
          matterRef: `M-${new Date(sidesAt).getUTCFullYear()}-0042`,
          description: `We act for both ${partyA} and ${partyB} in unrelated matters, and the two are now negotiating a merger.\n\nThe ${partyA} team must not see ${partyB}'s contracts, and the ${partyB} team must not see ${partyA}'s. Do not discuss either matter across teams. Report any contact to Compliance.`,
          kind: "sides",
          requiresAcknowledgment: false,
          sides: [
            { name: `${partyA} team`, members: sideA.map((userId) => ({ userId })), scope: [{ kind: "counterparty", value: partyA }] },
            { name: `${partyB} team`, members: sideB.map((userId) => ({ userId })), scope: [{ kind: "counterparty", value: partyB }] },
          ],
        },
        actor: adminActor,
      }),
    );
    await runAt(at(days - 20, 30), () => activateWall(prisma, { id: falcon.id, input: { reason: "Conflict check CC-2041: both parties are clients; merger talks started" }, actor: adminActor }));
    for (const [i, userId] of [...sideA, ...sideB].entries()) {
      if (i % 3 !== 2) await runAt(at(days - 19, 60 * (i + 1)), async () => acknowledgeWall(prisma, { id: falcon.id, userId, actor: await personActor(prisma, userId) }));
    }
    // One attempt across the wall: a member of the first side asks for the other side's contract.
    await runAt(at(days - 6, 14 * 60), () => evaluate(prisma, { body: { subject: { type: "user", id: sideA[0] }, action: { name: "view" }, resource: { type: "contract", id: b[0].id } } }));
    walls++;
  }

  // --- An exclusionary screen for a lateral hire ----------------------------------------------
  const screenAt = at(days - 10);
  // A reader of one of the party's contracts outside both sides (campaigns may have excluded the
  // first contract's readers by then): the screen cuts that access, so the tries are breaches.
  let hire: string | undefined;
  let tried = c[0];
  for (const contract of c) {
    hire = (await readersOf(prisma, contract.id, screenAt)).find((id) => !sideA.includes(id) && !sideB.includes(id));
    if (hire) {
      tried = contract;
      break;
    }
  }
  if (hire) {
    const screen = await runAt(screenAt, () =>
      createWall(prisma, {
        input: {
          name: `Lateral hire screen: ${partyC} matters`,
          matterRef: "HR-LAT-2026-07",
          description: `A new colleague joined us from the firm that acts against ${partyC}. Under ABA Model Rule 1.10(a)(2) they are screened from every ${partyC} contract, and nobody may share information about these matters with them.`,
          kind: "exclusionary",
          screenedAcknowledge: true,
          members: [{ userId: hire }],
          scope: [{ kind: "counterparty", value: partyC }],
        },
        actor: adminActor,
      }),
    );
    await runAt(at(days - 10, 15), () => activateWall(prisma, { id: screen.id, input: { reason: "Lateral hire from opposing counsel (conflict check CC-2077)" }, actor: adminActor }));
    await runAt(at(days - 9, 9 * 60), async () => acknowledgeWall(prisma, { id: screen.id, userId: hire, actor: await personActor(prisma, hire) }));
    // Attempts through the contract system's gateway: repeated on one contract, then another.
    const other = c.find((x) => x.id !== tried.id) ?? tried;
    const tries: [number, number, string][] = [[days - 5, 10 * 60, tried.id], [days - 5, 10 * 60 + 5, tried.id], [days - 2, 16 * 60, tried.id], [days - 1, 11 * 60, other.id]];
    for (const [day, minute, contractId] of tries) {
      await runAt(at(day, minute), () => evaluate(prisma, { body: { subject: { type: "user", id: hire }, action: { name: "view" }, resource: { type: "contract", id: contractId } } }));
    }
    walls++;
  }

  // --- A lifted wall and its certificate -----------------------------------------------------
  const heronAt = at(days - 45);
  const insiders = (await readersOf(prisma, a[1]?.id ?? a[0].id, heronAt)).slice(0, 2);
  if (insiders.length) {
    const heron = await runAt(heronAt, () =>
      createWall(prisma, {
        input: {
          name: "Project Heron: bid team only",
          matterRef: "M-2026-0017",
          description: "Only the bid team may open this contract while the bid is open. The bid was abandoned; the wall was lifted when the matter closed.",
          kind: "inclusionary",
          requiresAcknowledgment: true,
          members: insiders.map((userId) => ({ userId })),
          scope: [{ kind: "contract", value: a[1]?.id ?? a[0].id }],
        },
        actor: adminActor,
      }),
    );
    await runAt(at(days - 45, 20), () => activateWall(prisma, { id: heron.id, input: { reason: "Bid for the Heron assets: bid team only" }, actor: adminActor }));
    for (const [i, userId] of insiders.entries()) {
      await runAt(at(days - 44, 60 * (i + 1)), async () => acknowledgeWall(prisma, { id: heron.id, userId, actor: await personActor(prisma, userId) }));
    }
    await runAt(at(days - 21), () => liftWallAndCertify(prisma, { id: heron.id, input: { reason: "Bid abandoned; matter closed" }, actor: adminActor }));
    walls++;
  }
  return { walls, attempts: await prisma.wallBreachAttempt.count() };
}
