import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/audit/record";
import type { ScimPrincipal } from "../auth";
import { scimJson } from "../http";
import { etagOf } from "../mapping";
import type { ScimDoc } from "../normalize-resource";

export interface ScimContext {
  request: Request;
  url: URL;
  prisma: PrismaClient;
  principal: ScimPrincipal;
  actor: Actor;
  /** e.g. https://custodian.example/scim/v2 — for meta.location and $ref. */
  baseUrl: string;
  /** Unknown attributes the request carried and its handler dropped, for the request log (lib/scim/ignored.ts). */
  ignored: Set<string>;
}

/** Notes what a normalization or a PATCH dropped (kept when the write fails later, too); returns the document. */
export function noteIgnored(ctx: ScimContext, result: { doc: ScimDoc; ignored: readonly string[] }): ScimDoc {
  for (const name of result.ignored) ctx.ignored.add(name);
  return result.doc;
}

/** attributes / excludedAttributes from the query string (RFC 7644 §3.9). */
export function projectionOf(ctx: ScimContext): { attributes?: string[]; excludedAttributes?: string[] } {
  const list = (name: string) => ctx.url.searchParams.get(name)?.split(",").map((s) => s.trim()).filter(Boolean);
  return { attributes: list("attributes"), excludedAttributes: list("excludedAttributes") };
}

/** A single resource with its ETag; a 201 also carries its Location (RFC 7644 §3.3). */
export function resourceResponse(
  ctx: ScimContext,
  endpoint: "Users" | "Groups",
  resource: unknown,
  row: { id: string; version: number },
  status = 200,
): Response {
  const headers: Record<string, string> = { etag: etagOf(row) };
  if (status === 201) headers.location = `${ctx.baseUrl}/${endpoint}/${row.id}`;
  return scimJson(resource, { status, headers });
}
