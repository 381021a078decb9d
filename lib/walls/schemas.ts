// Ethical wall inputs (issue 20), as /api/v1/walls and the admin routes validate them.
import { z } from "zod";
import { justification } from "@/lib/exclusions/schemas";

const id = z.string().trim().min(1).max(100);
const NO_CONTROL = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;
const text = (max: number) => z.string().trim().max(max).regex(NO_CONTROL);

export const WALL_KINDS = ["inclusionary", "exclusionary", "sides"] as const;
export type WallKind = (typeof WALL_KINDS)[number];
export const WALL_STATES = ["draft", "active", "lifted"] as const;
export type WallState = (typeof WALL_STATES)[number];
export const SCOPE_KINDS = ["contract", "repository", "counterparty", "tag"] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

/** One scope item: an explicit contract or repository (by id), a counterparty or a tag (by name, any case). */
export const scopeItem = z.strictObject({
  kind: z.enum(SCOPE_KINDS).describe("contract and repository: by id; counterparty and tag: by name (case-insensitive), covering contracts created later"),
  value: text(300).min(1),
});
export type ScopeItem = z.output<typeof scopeItem>;

/** One roster item: a person or a group (exactly one). */
export const rosterItem = z
  .strictObject({ userId: id.optional(), groupId: id.optional() })
  .refine((v) => !v.userId !== !v.groupId, { message: "give exactly one of userId or groupId", path: ["userId"] });
export type RosterItem = z.output<typeof rosterItem>;

const sideInput = z.strictObject({
  name: text(200).min(1),
  members: z.array(rosterItem).max(1000).default([]),
  scope: z.array(scopeItem).max(1000).default([]),
});

/** A new draft. Sides only for kind "sides" (at least two); members and scope for the other kinds. */
export const createWallInput = z
  .strictObject({
    name: text(200).min(1),
    matterRef: text(200).nullish(),
    description: text(20_000).default("").describe("The memo people acknowledge"),
    kind: z.enum(WALL_KINDS),
    requiresAcknowledgment: z.boolean().default(false),
    screenedAcknowledge: z.boolean().default(false),
    members: z.array(rosterItem).max(1000).default([]).describe("Insiders (inclusionary) or screened people and groups (exclusionary)"),
    scope: z.array(scopeItem).max(1000).default([]),
    sides: z.array(sideInput).max(20).default([]),
  })
  .superRefine((v, ctx) => {
    if (v.kind === "sides") {
      if (v.sides.length < 2) ctx.addIssue({ code: "custom", path: ["sides"], message: "a wall of sides has at least two sides" });
      if (v.members.length || v.scope.length) ctx.addIssue({ code: "custom", path: ["members"], message: "a wall of sides takes members and scope per side" });
    } else if (v.sides.length) {
      ctx.addIssue({ code: "custom", path: ["sides"], message: "only a wall of kind sides has sides" });
    }
  });
export type CreateWallInput = z.output<typeof createWallInput>;

/** Edits of a draft (an active wall: name, matterRef and description only). */
export const updateWallInput = z.strictObject({
  name: text(200).min(1).optional(),
  matterRef: text(200).nullish(),
  description: text(20_000).optional(),
  kind: z.enum(WALL_KINDS).optional(),
  requiresAcknowledgment: z.boolean().optional(),
  screenedAcknowledge: z.boolean().optional(),
});

export const addSideInput = z.strictObject({ name: text(200).min(1) });

/** Activation and lifting record why. */
export const transitionInput = z.strictObject({ reason: justification.describe("Why the wall is activated / lifted") });

export const addScopeInput = z.strictObject({ sideId: id.nullish(), items: z.array(scopeItem).min(1).max(1000) });
export const removeScopeInput = z.strictObject({ justification: justification.optional() });

export const addRosterInput = z.strictObject({ sideId: id.nullish(), items: z.array(rosterItem).min(1).max(1000) });
/** Removing a person or group from an active wall's roster needs a justification. */
export const removeRosterInput = z.strictObject({ justification });

/** An admin acknowledging for someone: who, and why on their behalf. */
export const acknowledgeOnBehalfInput = z.strictObject({ userId: id, reason: justification.describe("Why on the person's behalf") });

export const wallListQuery = z.object({
  state: z.enum(WALL_STATES).optional(),
  kind: z.enum(WALL_KINDS).optional(),
  q: text(200).optional(),
  /** Walls whose roster (now) holds this person. */
  userId: id.optional(),
});

export const previewQuery = z.object({
  by: z.enum(["person", "contract"]).default("person"),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const attemptsQuery = z.object({
  userId: id.optional(),
  from: z.iso.datetime({ offset: true }).transform((v) => new Date(v)).optional(),
  to: z.iso.datetime({ offset: true }).transform((v) => new Date(v)).optional(),
});

/** A scope item's engine key (WallScope.key): ids as given, names trimmed and lower-cased. */
export function scopeKeyOf(item: ScopeItem): { value: string; key: string } {
  const value = item.kind === "counterparty" || item.kind === "tag" ? item.value.trim().toLowerCase() : item.value.trim();
  const prefix = { contract: "c", repository: "r", counterparty: "p", tag: "t" }[item.kind];
  return { value, key: `${prefix}:${value}` };
}
