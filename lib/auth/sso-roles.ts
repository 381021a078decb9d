// Who a person signing in by single sign-on is, and the dashboard roles their groups grant
// (lib/roles/service.ts, nested groups included).
//
// The first sign-in matches one claim of the ID token against the SCIM users of the directories
// tied to the issuer (OIDC_DIRECTORIES): `email` only when the provider says it is verified
// (OpenID Connect Core §5.1: an unverified e-mail may be anything the person typed), or a claim the
// operator names because their provider controls it (OIDC_MATCH_CLAIM, e.g. Entra ID's
// preferred_username, as Entra sends no email_verified). Exactly one active user must match — a
// second directory holding the same address is ambiguous, never a tie-break. The issuer and the
// stable `sub` are then bound to that user (SsoIdentity) and every later sign-in and request
// follows the binding, so a changed or reused e-mail cannot move a session to someone else.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { rolesOfUser } from "@/lib/roles/service";
import type { Role } from "./permissions";

export interface SsoPolicy {
  /** The ID-token claim matched against users' e-mail and userName on the first sign-in. */
  matchClaim: string;
  /** Names or ids of the directories whose people may sign in; undefined = every directory. */
  directories: string[] | undefined;
}

export function ssoPolicyFromConfig(): SsoPolicy {
  const c = getConfig();
  return { matchClaim: c.OIDC_MATCH_CLAIM, directories: c.OIDC_DIRECTORIES };
}

/** The issuer as the binding stores it (no trailing slash, so both spellings are one issuer). */
export const normalizeIssuer = (issuer: string) => issuer.replace(/\/+$/, "");

async function allowedDirectoryIds(prisma: PrismaClient, policy: SsoPolicy): Promise<string[] | undefined> {
  if (!policy.directories) return undefined;
  const rows = await prisma.directory.findMany({
    where: { OR: [{ name: { in: policy.directories } }, { id: { in: policy.directories } }] },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

// A user suspended by the inactivity policy has no access, the dashboard included.
const signInAllowed = (directoryIds: string[] | undefined) => ({
  active: true,
  suspendedAt: null,
  ...(directoryIds ? { directoryId: { in: directoryIds } } : {}),
});

function matchValue(claims: Record<string, unknown>, policy: SsoPolicy): string | undefined {
  const value = claims[policy.matchClaim];
  if (typeof value !== "string" || !value.trim()) return undefined;
  // OpenID Connect Core §5.1: email_verified is a boolean (some providers send "true").
  if (policy.matchClaim === "email" && claims.email_verified !== true && claims.email_verified !== "true") return undefined;
  return value.trim().toLowerCase();
}

/**
 * The SCIM user this identity is (or is now) bound to, or null when it may not sign in: bound to a
 * user who is no longer allowed, or unbound and not matched to exactly one allowed user.
 */
export async function bindSsoIdentity(
  prisma: PrismaClient,
  options: { issuer: string; claims: Record<string, unknown>; policy?: SsoPolicy },
): Promise<{ userId: string } | null> {
  const policy = options.policy ?? ssoPolicyFromConfig();
  const issuer = normalizeIssuer(options.issuer);
  const subject = typeof options.claims.sub === "string" ? options.claims.sub : undefined;
  if (!subject) return null;
  const directoryIds = await allowedDirectoryIds(prisma, policy);
  const bound = await prisma.ssoIdentity.findUnique({ where: { issuer_subject: { issuer, subject } }, select: { userId: true } });
  if (bound) {
    const user = await prisma.user.findFirst({ where: { id: bound.userId, ...signInAllowed(directoryIds) }, select: { id: true } });
    return user ? { userId: user.id } : null;
  }
  const key = matchValue(options.claims, policy);
  if (!key) {
    log.warn("single sign-on refused: the ID token has no usable match claim", { issuer, claim: policy.matchClaim });
    return null;
  }
  const candidates = await prisma.user.findMany({
    where: { ...signInAllowed(directoryIds), OR: [{ primaryEmail: key }, { userNameKey: key }] },
    select: { id: true },
    take: 2,
  });
  if (candidates.length !== 1) {
    if (candidates.length > 1) log.warn("single sign-on refused: the claim matches users of more than one directory (set OIDC_DIRECTORIES)", { issuer });
    return null;
  }
  // Two first sign-ins at once bind once; the loser reads the winner's binding.
  await prisma.ssoIdentity.createMany({ data: [{ issuer, subject, userId: candidates[0].id }], skipDuplicates: true });
  const row = await prisma.ssoIdentity.findUniqueOrThrow({ where: { issuer_subject: { issuer, subject } }, select: { userId: true } });
  return row.userId === candidates[0].id ? { userId: row.userId } : null;
}

/** The bound user's roles for a session, or null when the identity may no longer sign in. */
export async function rolesOfSsoIdentity(
  prisma: PrismaClient,
  options: { issuer: string; subject: string; policy?: SsoPolicy },
): Promise<{ userId: string; email: string | null; roles: Role[] } | null> {
  const directoryIds = await allowedDirectoryIds(prisma, options.policy ?? ssoPolicyFromConfig());
  const binding = await prisma.ssoIdentity.findUnique({
    where: { issuer_subject: { issuer: normalizeIssuer(options.issuer), subject: options.subject } },
    select: { userId: true },
  });
  if (!binding) return null;
  const user = await prisma.user.findFirst({ where: { id: binding.userId, ...signInAllowed(directoryIds) }, select: { id: true, primaryEmail: true } });
  if (!user) return null;
  return { userId: user.id, email: user.primaryEmail, roles: await rolesOfUser(prisma, { userId: user.id }) };
}
