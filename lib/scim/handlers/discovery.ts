import { allResourceTypeIds, allSchemas, resourceTypeDocument, schemaDocument, serviceProviderConfig } from "../discovery";
import { scimJson } from "../http";
import { notFound } from "../errors";
import { LIST_RESPONSE, getSchema } from "../schema";
import type { ScimContext } from "./context";

const list = (resources: unknown[]) =>
  scimJson({ schemas: [LIST_RESPONSE], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources });

export const getServiceProviderConfig = (ctx: ScimContext) => scimJson(serviceProviderConfig(ctx.baseUrl));

export function getResourceTypes(ctx: ScimContext, id?: string) {
  if (id === undefined) return list(allResourceTypeIds.map((rt) => resourceTypeDocument(rt, ctx.baseUrl)));
  const match = allResourceTypeIds.find((rt) => rt.toLowerCase() === id.toLowerCase());
  if (!match) throw notFound(`Resource type ${id} not found`);
  return scimJson(resourceTypeDocument(match, ctx.baseUrl));
}

export function getSchemas(ctx: ScimContext, id?: string) {
  if (id === undefined) return list(allSchemas.map((s) => schemaDocument(s, ctx.baseUrl)));
  const schema = getSchema(id);
  if (!schema) throw notFound(`Schema ${id} not found`);
  return scimJson(schemaDocument(schema, ctx.baseUrl));
}
