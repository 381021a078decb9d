// What the /api/v1 ethical-wall operations answer, read off the functions that build the bodies
// (lib/walls/queries.ts views, listWallPeople, listWallAcknowledgments, listBreachAttempts,
// summarizeBreachAttempts; lib/access/walls.ts previewWall; lib/walls/service.ts acknowledgeWall,
// remindWallAcknowledgments). Strict, as in response-schemas.ts: a field a service adds without
// describing it here fails app/api/v1/api.test.ts.
import { z } from "zod";
import { SCOPE_KINDS, WALL_KINDS, WALL_STATES } from "@/lib/walls/schemas";

const instant = z.iso.datetime().describe("RFC 3339 date-time (UTC)");
const count = z.number().int().min(0);
const pageMeta = { page: z.number().int().min(1), pageSize: z.number().int().min(1), total: count };
const by = z.strictObject({ type: z.string().nullable(), id: z.string().nullable(), label: z.string().nullable() });
const transition = z.strictObject({ at: instant, by, reason: z.string().nullable(), eventId: z.string().nullable() });

export const wallResponse = z.strictObject({
  id: z.string(),
  name: z.string(),
  matterRef: z.string().nullable(),
  description: z.string().describe("The memo people acknowledge"),
  kind: z.enum(WALL_KINDS),
  state: z.enum(WALL_STATES),
  requiresAcknowledgment: z.boolean().describe("Insiders (inclusionary) and side members (sides) are denied the scope until they acknowledged"),
  screenedAcknowledge: z.boolean().describe("Screened people are asked to acknowledge too"),
  version: z.number().int().min(1),
  createdAt: instant,
  updatedAt: instant,
  createdBy: by,
  activated: transition.nullable().describe("Who activated it, when and why"),
  lifted: transition.nullable().describe("Who lifted it, when and why"),
  sides: z.array(z.strictObject({ id: z.string(), name: z.string(), position: z.number().int().min(0) })),
  scope: z.array(
    z.strictObject({
      id: z.string(),
      sideId: z.string().nullable(),
      kind: z.enum(SCOPE_KINDS),
      value: z.string().describe("A contract or repository id, or a counterparty or tag (lower case)"),
      label: z.string().nullable(),
      validFrom: instant,
      validTo: instant.nullable(),
    }),
  ).describe("Scope in force now (a lifted wall: when it was lifted)"),
  roster: z.array(
    z.strictObject({
      id: z.string(),
      sideId: z.string().nullable(),
      kind: z.enum(["user", "group"]),
      userId: z.string().nullable(),
      groupId: z.string().nullable(),
      label: z.string().nullable(),
      validFrom: instant,
      validTo: instant.nullable(),
      addedBy: by,
      removalJustification: z.string().nullable(),
    }),
  ).describe("Roster entries now (people and groups as entered)"),
  counts: z.strictObject({
    people: count.describe("People on the roster, individually or through a group"),
    acknowledged: count,
    attempts: count.describe("Decision-API attempts the wall denied"),
  }),
});

export const wallPage = z.strictObject({ items: z.array(wallResponse), ...pageMeta });

export const wallPeoplePage = z.strictObject({
  items: z.array(
    z.strictObject({
      id: z.string(),
      userId: z.string(),
      userName: z.string().nullable(),
      displayName: z.string().nullable(),
      sideId: z.string().nullable(),
      viaGroup: z.strictObject({ id: z.string(), name: z.string().nullable() }).nullable().describe("Recorded through this group (null: named individually)"),
      entryId: z.string().nullable(),
      validFrom: instant,
      validTo: instant.nullable(),
      removalJustification: z.string().nullable(),
      acknowledgedAt: instant.nullable(),
    }),
  ),
  ...pageMeta,
});

const previewTotals = {
  pairs: count.describe("(person, contract) pairs that would lose access"),
  people: count,
  contracts: count,
  scopeContracts: count.describe("Contracts the scope covers now"),
  total: count.describe("Rows of this view (people, or contracts)"),
};

export const wallPreviewResponse = z.union([
  z.strictObject({
    ...previewTotals,
    items: z.array(z.strictObject({ userId: z.string(), userName: z.string().nullable(), displayName: z.string().nullable(), contracts: count })),
  }),
  z.strictObject({
    ...previewTotals,
    items: z.array(z.strictObject({ contractId: z.string(), title: z.string().nullable(), repositoryId: z.string(), people: count })),
  }),
]);

export const wallAcknowledgmentPage = z.strictObject({
  items: z.array(
    z.strictObject({
      id: z.string(),
      wallId: z.string(),
      userId: z.string(),
      userName: z.string().nullable(),
      displayName: z.string().nullable(),
      at: instant,
      onBehalf: z.boolean(),
      reason: z.string().nullable(),
      by,
      eventId: z.string().nullable(),
    }),
  ),
  ...pageMeta,
});

export const wallAcknowledgmentCreated = z.strictObject({ id: z.string(), at: instant, created: z.boolean().describe("False: the person had acknowledged already (the first acknowledgment is returned)") });

export const wallRemindersResponse = z.strictObject({ reminded: count });

export const wallAttemptPage = z.strictObject({
  items: z.array(
    z.strictObject({
      id: z.string(),
      wallId: z.string(),
      wallName: z.string().nullable(),
      sideId: z.string().nullable(),
      sideName: z.string().nullable(),
      userId: z.string(),
      userName: z.string().nullable(),
      contractId: z.string(),
      contractTitle: z.string().nullable(),
      at: instant,
      source: z.enum(["authzen", "api"]),
      action: z.string().nullable(),
      requestId: z.string().nullable(),
      eventId: z.string().nullable(),
    }),
  ),
  ...pageMeta,
  summary: z.array(
    z.strictObject({
      wallId: z.string(),
      wallName: z.string().nullable(),
      userId: z.string(),
      userName: z.string().nullable(),
      attempts: count,
      contracts: count,
      first: instant,
      last: instant,
    }),
  ).describe("Repeated attempts summarised per person, most recent first"),
});

// Screen certificates (lib/walls/certificate.ts WallCertificate, StoredCertificateView).
const certificateActor = z.strictObject({ type: z.string().nullable(), label: z.string().nullable() });
const certificateTransition = z.strictObject({ at: instant, by: certificateActor, reason: z.string().nullable() });

export const wallCertificateResponse = z.strictObject({
  format: z.literal("custodian-wall-certificate/1"),
  trigger: z.enum(["lift", "request"]).describe("Issued when the wall was lifted, or on request"),
  wall: z.strictObject({
    id: z.string(),
    name: z.string(),
    matterRef: z.string().nullable(),
    kind: z.enum(WALL_KINDS),
    state: z.enum(WALL_STATES).describe("The wall's state when the certificate was issued"),
    memo: z.string(),
    memoSha256: z.string(),
    requiresAcknowledgment: z.boolean(),
    screenedAcknowledge: z.boolean(),
    createdAt: instant,
    activated: certificateTransition.nullable(),
    lifted: certificateTransition.nullable(),
  }),
  period: z.strictObject({ from: instant, to: instant }),
  inForce: z.strictObject({ from: instant.nullable(), to: instant.nullable() }).describe("The part of the period the wall was in force (nulls: not at all)"),
  sides: z.array(z.strictObject({ id: z.string(), name: z.string() })),
  scope: z.array(
    z.strictObject({ sideId: z.string().nullable(), kind: z.enum(SCOPE_KINDS), value: z.string(), label: z.string().nullable(), validFrom: instant, validTo: instant.nullable() }),
  ),
  people: z.array(
    z.strictObject({
      userId: z.string(),
      userName: z.string().nullable(),
      displayName: z.string().nullable(),
      role: z.enum(["insider", "screened", "side"]),
      sideId: z.string().nullable(),
      viaGroup: z.string().nullable(),
      validFrom: instant,
      validTo: instant.nullable(),
      removalJustification: z.string().nullable(),
    }),
  ).describe("People on the roster at some instant of the period, one row per roster interval"),
  acknowledgments: z.array(
    z.strictObject({ userId: z.string(), userName: z.string().nullable(), at: instant, onBehalf: z.boolean(), reason: z.string().nullable(), by: certificateActor }),
  ),
  attempts: z.strictObject({
    total: count,
    byPerson: z.array(z.strictObject({ userId: z.string(), userName: z.string().nullable(), attempts: count, contracts: count, first: instant, last: instant })),
    items: z.array(
      z.strictObject({
        userId: z.string(),
        contractId: z.string(),
        contractTitle: z.string().nullable(),
        sideId: z.string().nullable(),
        at: instant,
        source: z.enum(["authzen", "api"]),
        action: z.string().nullable(),
      }),
    ),
    truncated: z.boolean(),
  }),
  auditEvidence: z.strictObject({
    events: z.array(z.strictObject({ position: z.string(), eventId: z.string(), action: z.string(), at: instant, hash: z.string() })).describe("The wall's audit events, in chain order"),
    truncated: z.boolean(),
    chainHead: z.strictObject({ position: z.string(), hash: z.string() }).nullable(),
  }),
  statement: z.string(),
  issuedAt: instant,
  keyId: z.string().describe("The audit signing key's id (as for audit chain exports)"),
  publicKey: z.string().describe("The Ed25519 public key (SPKI PEM)"),
  signature: z.string().describe("Base64 Ed25519 signature of the canonical JSON of every other field; verify offline with `npm run audit:verify -- --wall-certificate <file>`"),
});

export const storedWallCertificate = z.strictObject({
  id: z.string(),
  trigger: z.enum(["lift", "request"]),
  periodFrom: instant,
  periodTo: instant,
  issuedAt: instant,
  sha256: z.string().describe("SHA-256 of the canonical JSON of the stored document (also in the audit event wall.certificate_issued)"),
});

export const storedWallCertificateList = z.strictObject({ items: z.array(storedWallCertificate) });
