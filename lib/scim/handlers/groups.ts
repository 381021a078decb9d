// /Groups (RFC 7644 §3.3–3.6). Membership changes go to the group service as set deltas.
import type { Group } from "@/lib/generated/prisma/client";
import { createGroup, deleteGroup, findGroup, membersOfGroups, updateGroup, type GroupData } from "@/lib/groups/service";
import { applyPatchOperations } from "../patch";
import { foldMemberOps, partitionGroupMemberOps } from "../group-member-patch";
import { normalizeResource, type ScimDoc } from "../normalize-resource";
import { isAttributeReturned, projectResource } from "../project-resource";
import { etagOf, groupDocFromRow, groupToScim } from "../mapping";
import { findPage, type ListQuery } from "../list";
import { expectedVersionOf, notModified, readScimBody, scimJson, scimNoContent } from "../http";
import { notFound } from "../errors";
import { LIST_RESPONSE } from "../schema";
import { noteIgnored, projectionOf, resourceResponse, type ScimContext } from "./context";

type Projection = Pick<ListQuery, "attributes" | "excludedAttributes">;


export async function renderGroups(ctx: ScimContext, groups: Group[], projection: Projection) {
  // Entra reads groups with excludedAttributes=members: then the members are not even loaded.
  const members = isAttributeReturned("Group", "members", projection)
    ? await membersOfGroups(ctx.prisma, groups.map((g) => g.id))
    : undefined;
  return groups.map((g) =>
    projectResource("Group", groupToScim(g, { baseUrl: ctx.baseUrl, members: members?.get(g.id) }), projection),
  );
}

const memberIdsOf = (doc: ScimDoc): string[] =>
  Array.isArray(doc.members) ? doc.members.map((m) => String((m as { value: unknown }).value)) : [];

const groupDataOf = (doc: ScimDoc): GroupData => ({
  displayName: String(doc.displayName),
  externalId: typeof doc.externalId === "string" && doc.externalId !== "" ? doc.externalId : null,
});


export async function listGroups(ctx: ScimContext, query: ListQuery) {
  const { total, rows } = await findPage<Group>(ctx.prisma, { resourceType: "Group", directoryId: ctx.principal.directoryId, query });
  return scimJson({
    schemas: [LIST_RESPONSE],
    totalResults: total,
    startIndex: query.startIndex,
    itemsPerPage: rows.length,
    Resources: await renderGroups(ctx, rows, query),
  });
}

async function loadGroup(ctx: ScimContext, id: string): Promise<Group> {
  const group = await findGroup(ctx.prisma, { directoryId: ctx.principal.directoryId, id });
  if (!group) throw notFound(`Group ${id} not found`);
  return group;
}

export async function getGroup(ctx: ScimContext, id: string) {
  const group = await loadGroup(ctx, id);
  if (notModified(ctx.request, etagOf(group))) return new Response(null, { status: 304, headers: { etag: etagOf(group) } });
  const [resource] = await renderGroups(ctx, [group], projectionOf(ctx));
  return resourceResponse(ctx, "Groups", resource, group);
}

export async function postGroup(ctx: ScimContext) {
  const doc = noteIgnored(ctx, normalizeResource("Group", await readScimBody(ctx.request), { mode: "create" }));
  const group = await createGroup(ctx.prisma, {
    directoryId: ctx.principal.directoryId,
    data: groupDataOf(doc),
    memberIds: memberIdsOf(doc),
    actor: ctx.actor,
  });
  const [resource] = await renderGroups(ctx, [group], projectionOf(ctx));
  return resourceResponse(ctx, "Groups", resource, group, 201);
}

export async function putGroup(ctx: ScimContext, id: string) {
  const doc = noteIgnored(ctx, normalizeResource("Group", await readScimBody(ctx.request), { mode: "replace" }));
  // PUT replaces: the member list in the body is the whole membership (Okta sends it in full).
  const group = await updateGroup(ctx.prisma, {
    directoryId: ctx.principal.directoryId,
    id,
    actor: ctx.actor,
    expectedVersion: expectedVersionOf(ctx.request),
    change: () => groupDataOf(doc),
    memberSteps: [{ kind: "replaceAll", ids: memberIdsOf(doc) }],
  });
  const [resource] = await renderGroups(ctx, [group], projectionOf(ctx));
  return resourceResponse(ctx, "Groups", resource, group);
}

export async function patchGroup(ctx: ScimContext, id: string) {
  const plan = partitionGroupMemberOps(await readScimBody(ctx.request));
  const group = await updateGroup(ctx.prisma, {
    directoryId: ctx.principal.directoryId,
    id,
    actor: ctx.actor,
    expectedVersion: expectedVersionOf(ctx.request),
    change:
      plan.otherOps.length === 0
        ? undefined
        : (current) => {
            const patched = noteIgnored(ctx, applyPatchOperations("Group", groupDocFromRow(current), plan.otherOps));
            return groupDataOf(noteIgnored(ctx, normalizeResource("Group", patched, { mode: "replace" })));
          },
    // One net set change, however many member operations the request had.
    memberSteps: foldMemberOps(plan.memberOps),
  });
  // Entra: answer 204 rather than returning a 100,000-member list; a client that asks for
  // attributes gets the resource (RFC 7644 §3.5.2 allows either).
  const projection = projectionOf(ctx);
  if (!projection.attributes) return scimNoContent({ etag: etagOf(group) });
  const [resource] = await renderGroups(ctx, [group], projection);
  return resourceResponse(ctx, "Groups", resource, group);
}

export async function removeGroup(ctx: ScimContext, id: string) {
  await deleteGroup(ctx.prisma, {
    directoryId: ctx.principal.directoryId,
    id,
    actor: ctx.actor,
    expectedVersion: expectedVersionOf(ctx.request),
  });
  return scimNoContent();
}
