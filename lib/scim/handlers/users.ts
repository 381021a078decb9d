// /Users (RFC 7644 §3.3–3.6). Parse, call the user service, serialise from stored state.
import type { User } from "@/lib/generated/prisma/client";
import { createUser, deleteUser, updateUser } from "@/lib/users/service";
import { findUser, groupsOfUsers, groupsReadWith, userGroupsColumn, type UserWithGroups } from "@/lib/users/queries";
import { markUsersSeen } from "@/lib/users/inactivity";
import { applyPatchOperations, parsePatchBody } from "../patch";
import { normalizeResource } from "../normalize-resource";
import { isAttributeReturned, projectResource } from "../project-resource";
import { userDataFromDoc, userDocFromRow, userToScim, etagOf } from "../mapping";
import { findPage, identifiesOneUser, type ListQuery } from "../list";
import { expectedVersionOf, notModified, readScimBody, scimJson, scimNoContent } from "../http";
import { notFound } from "../errors";
import { LIST_RESPONSE } from "../schema";
import { noteIgnored, projectionOf, resourceResponse, type ScimContext } from "./context";

/** `knownGroups`: the memberships when the caller already knows them (a user just created has none). */
export async function renderUsers(
  ctx: ScimContext,
  users: User[],
  projection: Pick<ListQuery, "attributes" | "excludedAttributes">,
  knownGroups?: Map<string, { id: string; displayName: string }[]>,
) {
  const groups = isAttributeReturned("User", "groups", projection)
    ? (knownGroups ?? (await groupsOfUsers(ctx.prisma, users.map((u) => u.id))))
    : undefined;
  return users.map((u) => projectResource("User", userToScim(u, { baseUrl: ctx.baseUrl, groups: groups?.get(u.id) ?? [] }), projection));
}

/**
 * A read that names one user (GET by id, a userName/externalId/id lookup) tells us the directory
 * still has them (inactivity policy). Decided from the rows already loaded: no statement unless a
 * user was last seen more than a day ago or is flagged or suspended.
 */
const markSeen = (ctx: ScimContext, users: User[]) => markUsersSeen(ctx.prisma, { users, actor: ctx.actor });

/** The page query reads each user's groups too, when the response includes them. */
export const userPageColumns = (projection: Pick<ListQuery, "attributes" | "excludedAttributes">) =>
  isAttributeReturned("User", "groups", projection) ? userGroupsColumn : undefined;

export async function listUsers(ctx: ScimContext, query: ListQuery) {
  const { total, rows } = await findPage<UserWithGroups>(ctx.prisma, {
    resourceType: "User",
    directoryId: ctx.principal.directoryId,
    query,
    columns: userPageColumns(query),
  });
  // Only a lookup of one person is a statement about that person: not an import page, and not a
  // broad filter (`userName pr` would otherwise lift every suspension in the directory).
  if (query.filter && identifiesOneUser(query.filter)) await markSeen(ctx, rows);
  return scimJson({
    schemas: [LIST_RESPONSE],
    totalResults: total,
    startIndex: query.startIndex,
    itemsPerPage: rows.length,
    Resources: await renderUsers(ctx, rows, query, groupsReadWith(rows)),
  });
}

async function loadUser(ctx: ScimContext, id: string): Promise<UserWithGroups> {
  const user = await findUser(ctx.prisma, { directoryId: ctx.principal.directoryId, id });
  if (!user) throw notFound(`User ${id} not found`);
  return user;
}

export async function getUser(ctx: ScimContext, id: string) {
  const user = await loadUser(ctx, id);
  await markSeen(ctx, [user]);
  if (notModified(ctx.request, etagOf(user))) return new Response(null, { status: 304, headers: { etag: etagOf(user) } });
  const [resource] = await renderUsers(ctx, [user], projectionOf(ctx), groupsReadWith([user]));
  return resourceResponse(ctx, "Users", resource, user);
}

export async function postUser(ctx: ScimContext) {
  const doc = noteIgnored(ctx, normalizeResource("User", await readScimBody(ctx.request), { mode: "create" }));
  const user = await createUser(ctx.prisma, { directoryId: ctx.principal.directoryId, data: userDataFromDoc(doc), actor: ctx.actor });
  const [resource] = await renderUsers(ctx, [user], projectionOf(ctx), new Map());
  return resourceResponse(ctx, "Users", resource, user, 201);
}

/** The groups, when the write's statement read them with the row (its common, one-statement path). */
const groupsIfRead = (user: User | UserWithGroups) => ("scimGroups" in user ? groupsReadWith([user]) : undefined);

export async function putUser(ctx: ScimContext, id: string) {
  const doc = noteIgnored(ctx, normalizeResource("User", await readScimBody(ctx.request), { mode: "replace" }));
  const user = await updateUser(ctx.prisma, {
    directoryId: ctx.principal.directoryId,
    id,
    actor: ctx.actor,
    expectedVersion: expectedVersionOf(ctx.request),
    // A PUT that omits `active` keeps the current status: a governance system must never
    // silently re-enable a deactivated person (RFC 7643 defines no default for `active`).
    change: (current) => ({ ...userDataFromDoc(doc), active: doc.active === undefined ? current.active : doc.active === true }),
  });
  const [resource] = await renderUsers(ctx, [user], projectionOf(ctx), groupsIfRead(user));
  return resourceResponse(ctx, "Users", resource, user);
}

export async function patchUser(ctx: ScimContext, id: string) {
  const operations = parsePatchBody(await readScimBody(ctx.request));
  const user = await updateUser(ctx.prisma, {
    directoryId: ctx.principal.directoryId,
    id,
    actor: ctx.actor,
    expectedVersion: expectedVersionOf(ctx.request),
    change: (current) => {
      const patched = noteIgnored(ctx, applyPatchOperations("User", userDocFromRow(current), operations));
      const doc = noteIgnored(ctx, normalizeResource("User", patched, { mode: "replace" }));
      // The current row always has `active`, so an absent one was removed or cleared (remove,
      // null, ""): RFC 7644 §3.5.2.2 makes it unassigned, and unassigned is not enabled. Stored as
      // false, so access, the response and later reads all say the same thing.
      return { ...userDataFromDoc(doc), active: doc.active === true };
    },
  });
  const [resource] = await renderUsers(ctx, [user], projectionOf(ctx), groupsIfRead(user));
  return resourceResponse(ctx, "Users", resource, user);
}

export async function removeUser(ctx: ScimContext, id: string) {
  await deleteUser(ctx.prisma, {
    directoryId: ctx.principal.directoryId,
    id,
    actor: ctx.actor,
    expectedVersion: expectedVersionOf(ctx.request),
  });
  return scimNoContent();
}
