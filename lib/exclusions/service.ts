// The only writer of exclusions: create (an admin, or a review campaign's revocation) and lift,
// each in one transaction with its audit event and the access.revoked / access.granted events it
// causes (trackAccessChanges), which reach webhooks through the outbox so the identity provider's
// workflow can remove the membership at the source. An exclusion is never deleted or rewritten:
// lifting closes its validity, so answers at past instants keep it.
import type { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { ruleScopeRepositories, trackAccessChanges } from "@/lib/access/change-events";
import { recordAuditEvent, type Actor } from "@/lib/audit/record";
import { now as clockNow } from "@/lib/clock";
import type { Tx } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { confidentialityRank } from "@/lib/access/levels";
import { getExclusion, type ExclusionView } from "./queries";
import { createExclusionInput, liftExclusionInput } from "./schemas";

const txOptions = { maxWait: 10_000, timeout: 60_000 };

export interface ExclusionContent {
  userId: string;
  repositoryId: string | null;
  contractId: string | null;
  /** A repository exclusion's narrowing (lib/access/sql.ts exclusionCovers): types (empty: all), confidentiality rank floor (null: none). */
  contractTypes?: string[];
  confidentialityFloor?: number | null;
  reason: string;
  validUntil: Date | null;
  source: "admin" | "campaign";
  campaignId?: string | null;
}

/** Creates an exclusion inside the caller's transaction (a campaign applies many in one); returns its id. */
export async function excludeInTransaction(tx: Tx, options: { content: ExclusionContent; actor: Actor }): Promise<string> {
  const c = options.content;
  const [user, repository, contract] = await Promise.all([
    tx.user.findUnique({ where: { id: c.userId }, select: { id: true } }),
    c.repositoryId ? tx.repository.findUnique({ where: { id: c.repositoryId }, select: { id: true } }) : true,
    c.contractId ? tx.contract.findUnique({ where: { id: c.contractId }, select: { id: true } }) : true,
  ]);
  if (!user) throw new AppError("invalid_input", `no user with id "${c.userId}"`, [{ path: "userId", message: "no such user" }]);
  if (!repository) throw new AppError("invalid_input", `no repository with id "${c.repositoryId}"`, [{ path: "repositoryId", message: "no such repository" }]);
  if (!contract) throw new AppError("invalid_input", `no contract with id "${c.contractId}"`, [{ path: "contractId", message: "no such contract" }]);
  if (c.validUntil && c.validUntil <= clockNow()) {
    throw new AppError("invalid_input", "validUntil must be in the future", [{ path: "validUntil", message: "must be in the future" }]);
  }
  // Ids only: the label and the cause description are hashed audit content (copied into every
  // access event, webhook and search), which an erasure cannot rewrite. The person's name is stored
  // with the event in the erasable names (after.userId → names.User, lib/audit/names.ts).
  const narrowing = { contractTypes: c.repositoryId ? [...new Set(c.contractTypes ?? [])].sort() : [], confidentialityFloor: c.repositoryId ? (c.confidentialityFloor ?? null) : null };
  const narrowed = narrowing.contractTypes.length > 0 || narrowing.confidentialityFloor !== null;
  const scope = c.repositoryId ? `repository ${c.repositoryId}${narrowed ? " (narrowed)" : ""}` : `contract ${c.contractId}`;
  let id = "";
  await trackAccessChanges(
    tx,
    {
      userIds: [c.userId],
      repositoryIds: () => ruleScopeRepositories(tx, [c]),
      actor: options.actor,
      cause: (eventId: string) => ({ kind: "exclusion.created", eventId, description: `exclusion from ${scope}` }),
    },
    async () => {
      // Taken inside the change: the engine compares access just before and just after it.
      const at = clockNow();
      // What the row and its audit event both state.
      const stated = {
        userId: c.userId,
        repositoryId: c.repositoryId,
        contractId: c.contractId,
        ...(narrowed ? narrowing : {}),
        source: c.source,
        campaignId: c.campaignId ?? null,
        reason: c.reason,
      };
      const row = await tx.exclusion.create({
        data: {
          ...stated,
          validFrom: at,
          validTo: c.validUntil,
          createdAt: at,
          createdByType: options.actor.type,
          createdById: options.actor.id ?? null,
          createdByLabel: options.actor.label ?? null,
        },
      });
      id = row.id;
      const eventId = await recordAuditEvent(tx, {
        actor: options.actor,
        action: "exclusion.created",
        target: { type: "Exclusion", id: row.id, label: `user ${c.userId} from ${scope}` },
        after: {
          ...stated,
          validFrom: at.toISOString(),
          validTo: c.validUntil?.toISOString() ?? null,
        },
      });
      await tx.exclusion.update({ where: { id: row.id }, data: { eventId } });
      return eventId;
    },
  );
  return id;
}

export async function createExclusion(prisma: PrismaClient, options: { input: unknown; actor: Actor }): Promise<ExclusionView> {
  const input: z.output<typeof createExclusionInput> = createExclusionInput.parse(options.input);
  const id = await prisma.$transaction(
    (tx) =>
      excludeInTransaction(tx, {
        content: {
          userId: input.userId,
          repositoryId: input.repositoryId ?? null,
          contractId: input.contractId ?? null,
          contractTypes: input.contractTypes,
          confidentialityFloor: input.confidentialityFloor ? confidentialityRank(input.confidentialityFloor) : null,
          reason: input.reason,
          validUntil: input.validUntil ?? null,
          source: "admin",
        },
        actor: options.actor,
      }),
    txOptions,
  );
  return getExclusion(prisma, { id });
}

/** Ends the deny now, with a justification; an exclusion already ended cannot be lifted again. */
export async function liftExclusion(prisma: PrismaClient, options: { id: string; input: unknown; actor: Actor }): Promise<ExclusionView> {
  const { justification } = liftExclusionInput.parse(options.input);
  await prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM "Exclusion" WHERE id = $1 FOR UPDATE`, options.id);
    if (locked.length === 0) throw new AppError("not_found", `Exclusion ${options.id} not found`);
    const x = await tx.exclusion.findUniqueOrThrow({ where: { id: options.id } });
    const now = clockNow();
    if (x.liftedAt || (x.validTo !== null && x.validTo <= now)) throw new AppError("conflict", `Exclusion ${x.id} has already ended`);
    await trackAccessChanges(
      tx,
      {
        userIds: [x.userId],
        repositoryIds: () => ruleScopeRepositories(tx, [x]),
        actor: options.actor,
        cause: (eventId: string) => ({ kind: "exclusion.lifted", eventId, description: `exclusion ${x.id} lifted` }),
      },
      async () => {
        const at = clockNow();
        const eventId = await recordAuditEvent(tx, {
          actor: options.actor,
          action: "exclusion.lifted",
          target: { type: "Exclusion", id: x.id, label: x.repositoryId ? `repository ${x.repositoryId}` : `contract ${x.contractId}` },
          before: { validTo: x.validTo?.toISOString() ?? null },
          after: { validTo: at.toISOString(), justification },
        });
        await tx.exclusion.update({
          where: { id: x.id },
          data: {
            validTo: at,
            liftedAt: at,
            liftedByType: options.actor.type,
            liftedById: options.actor.id ?? null,
            liftedByLabel: options.actor.label ?? null,
            liftJustification: justification,
            liftEventId: eventId,
          },
        });
        return eventId;
      },
    );
  }, txOptions);
  return getExclusion(prisma, { id: options.id });
}
