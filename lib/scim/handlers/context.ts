import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/audit/record";
import type { ScimPrincipal } from "../auth";
import { scimJson } from "../http";
import { etagOf } from "../mapping";

export interface ScimContext {
  request: Request;
  url: URL;
  prisma: PrismaClient;
  principal: ScimPrincipal;
  actor: Actor;
  /** e.g. https://custodian.example/scim/v2 — for meta.location and $ref. */
  baseUrl: string;
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
