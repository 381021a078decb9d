// Who is signed in, re-validated on every request: a local account must still exist, be enabled
// and carry the session version the session was issued with (a password change, reset or disable
// bumps it); an SSO person is the SCIM user their identity is bound to, still active, in a
// directory allowed to sign in, whose groups grant a dashboard role — so when the identity
// provider deactivates someone, their next request is signed out.
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { rolesOfSsoIdentity } from "./sso-roles";
import { buildAuthOptions } from "./options";
import { can, highestRole, isRole, type Action, type Role } from "./permissions";

export interface Principal {
  kind: "local" | "sso";
  /** AdminAccount id (local) or SCIM user id (sso). */
  id: string;
  email: string;
  name: string;
  roles: Role[];
  role: Role;
}

export async function resolvePrincipal(
  prisma: PrismaClient,
  session: {
    kind?: unknown;
    accountId?: unknown;
    sessionVersion?: unknown;
    ssoIssuer?: unknown;
    ssoSubject?: unknown;
    user?: { email?: string | null; name?: string | null } | null;
  } | null,
): Promise<Principal | null> {
  if (!session) return null;
  if (session.kind === "local" && typeof session.accountId === "string") {
    const account = await prisma.adminAccount.findUnique({ where: { id: session.accountId } });
    if (!account || account.disabledAt || !isRole(account.role)) return null;
    // A session issued before versions existed carries none: refused like a stale one.
    if (session.sessionVersion !== account.sessionVersion) return null;
    return { kind: "local", id: account.id, email: account.email, name: account.name ?? account.email, roles: [account.role], role: account.role };
  }
  if (session.kind === "sso" && typeof session.ssoIssuer === "string" && typeof session.ssoSubject === "string") {
    const found = await rolesOfSsoIdentity(prisma, { issuer: session.ssoIssuer, subject: session.ssoSubject });
    const role = found && highestRole(found.roles);
    if (!found || !role) return null;
    const email = found.email ?? session.user?.email?.toLowerCase() ?? "";
    return { kind: "sso", id: found.userId, email, name: session.user?.name ?? email, roles: found.roles, role };
  }
  return null;
}

export async function currentPrincipal(): Promise<Principal | null> {
  const session = await getServerSession(await buildAuthOptions());
  return resolvePrincipal(await getPrisma(), session as Parameters<typeof resolvePrincipal>[1]);
}

/** For pages: the principal allowed to do `action`, else a redirect (sign-in) or a 403 page. */
export async function requirePagePermission(action: Action): Promise<Principal> {
  const principal = await currentPrincipal();
  if (!principal) redirect("/login");
  if (!can(principal.roles, action)) redirect("/dashboard/forbidden");
  return principal;
}

/** For route handlers and server actions: throws AppError unauthorized/forbidden. */
export async function requirePermission(action: Action): Promise<Principal> {
  const principal = await currentPrincipal();
  if (!principal) throw new AppError("unauthorized", "Sign in first");
  if (!can(principal.roles, action)) throw new AppError("forbidden", `Your role may not ${action}`);
  return principal;
}

/**
 * A reviewer: whoever is signed in, as the directory person they are — the SCIM user an SSO
 * identity is bound to (no dashboard role needed), or the active person whose primary e-mail is a
 * local account's. Review campaigns assign items to people, so reviewing needs no role.
 */
export interface Reviewer {
  personId: string;
  /** The signed-in principal's own id and e-mail, for the audit trail. */
  accountId: string;
  email: string;
  kind: "local" | "sso";
}

export async function resolveReviewer(
  prisma: PrismaClient,
  session: Parameters<typeof resolvePrincipal>[1],
): Promise<Reviewer | "not_linked" | null> {
  if (!session) return null;
  if (session.kind === "sso" && typeof session.ssoIssuer === "string" && typeof session.ssoSubject === "string") {
    const found = await rolesOfSsoIdentity(prisma, { issuer: session.ssoIssuer, subject: session.ssoSubject });
    if (!found) return null;
    return { personId: found.userId, accountId: found.userId, email: found.email ?? session.user?.email?.toLowerCase() ?? "", kind: "sso" };
  }
  const principal = await resolvePrincipal(prisma, session);
  if (!principal) return null;
  const people = await prisma.user.findMany({
    where: { primaryEmail: principal.email.toLowerCase(), active: true, suspendedAt: null },
    select: { id: true },
    take: 2,
  });
  // Two directories holding the address are ambiguous: never a tie-break.
  if (people.length !== 1) return "not_linked";
  return { personId: people[0].id, accountId: principal.id, email: principal.email, kind: "local" };
}

/** For route handlers: the signed-in reviewer, else AppError unauthorized / forbidden (not a directory person). */
export async function requireReviewer(): Promise<Reviewer> {
  const session = await getServerSession(await buildAuthOptions());
  const reviewer = await resolveReviewer(await getPrisma(), session as Parameters<typeof resolvePrincipal>[1]);
  if (!reviewer) throw new AppError("unauthorized", "Sign in first");
  if (reviewer === "not_linked") throw new AppError("forbidden", "Your account is not linked to exactly one person of a directory, so it has no reviews");
  return reviewer;
}

/** For the "My reviews" page: the reviewer, "not_linked" (signed in, no directory person), or a redirect to sign in. */
export async function requireReviewerPage(): Promise<Reviewer | "not_linked"> {
  const session = await getServerSession(await buildAuthOptions());
  const reviewer = await resolveReviewer(await getPrisma(), session as Parameters<typeof resolvePrincipal>[1]);
  if (!reviewer) redirect("/login");
  return reviewer;
}


/** The signed-in person of a directory, if any (no redirect): the dashboard's "My walls" banner. */
export async function currentReviewer(): Promise<Reviewer | "not_linked" | null> {
  const session = await getServerSession(await buildAuthOptions());
  return resolveReviewer(await getPrisma(), session as Parameters<typeof resolvePrincipal>[1]);
}
