// POST /.search (RFC 7644 §3.4.3) on a resource type or on the server root.
import type { Group, User } from "@/lib/generated/prisma/client";
import { filterAppliesTo, findPage, identifiesOneUser, parseListQuery, type ListQuery } from "../list";
import { isPlainObject } from "../normalize-resource";
import { readScimBody, scimJson } from "../http";
import { invalidFilter, invalidSyntax } from "../errors";
import { LIST_RESPONSE, SEARCH_REQUEST, type ResourceTypeName } from "../schema";
import { listGroups, renderGroups } from "./groups";
import { listUsers, renderUsers, userPageColumns } from "./users";
import type { ScimContext } from "./context";
import { markUsersSeen } from "@/lib/users/inactivity";
import { groupsReadWith, type UserWithGroups } from "@/lib/users/queries";

async function searchQuery(ctx: ScimContext): Promise<ListQuery> {
  const body = await readScimBody(ctx.request);
  if (!isPlainObject(body)) throw invalidSyntax(`The body must be a ${SEARCH_REQUEST} object`);
  return parseListQuery(body);
}

export async function searchResource(ctx: ScimContext, resourceType: ResourceTypeName) {
  const query = await searchQuery(ctx);
  return resourceType === "User" ? listUsers(ctx, query) : listGroups(ctx, query);
}

/** Root search: Users then Groups, paged as one list; a type lacking a filtered attribute matches nothing. */
export async function searchRoot(ctx: ScimContext) {
  const query = await searchQuery(ctx);
  const types = (["User", "Group"] as const).filter((t) => !query.filter || filterAppliesTo(t, query.filter));
  if (types.length === 0) throw invalidFilter("The filter names attributes that no resource type has");
  let offset = query.startIndex - 1;
  let remaining = query.count;
  let total = 0;
  const resources: unknown[] = [];
  for (const resourceType of types) {
    const page = await findPage<UserWithGroups | Group>(ctx.prisma, {
      resourceType,
      directoryId: ctx.principal.directoryId,
      query,
      offset,
      limit: remaining,
      columns: resourceType === "User" ? userPageColumns(query) : undefined,
    });
    // When this page is empty because the offset lies beyond this type, findPage still counted.
    total += page.total;
    offset = Math.max(0, offset - page.total);
    remaining -= page.rows.length;
    // A lookup of one person tells us the directory still has them (inactivity policy); a broad search does not.
    if (resourceType === "User" && query.filter && identifiesOneUser(query.filter) && page.rows.length > 0) await markUsersSeen(ctx.prisma, { users: page.rows as User[], actor: ctx.actor });
    if (page.rows.length > 0) {
      resources.push(
        ...(await (resourceType === "User"
          ? renderUsers(ctx, page.rows as UserWithGroups[], query, groupsReadWith(page.rows as UserWithGroups[]))
          : renderGroups(ctx, page.rows as Group[], query))),
      );
    }
  }
  return scimJson({ schemas: [LIST_RESPONSE], totalResults: total, startIndex: query.startIndex, itemsPerPage: resources.length, Resources: resources });
}
