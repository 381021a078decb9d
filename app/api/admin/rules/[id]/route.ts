import { z } from "zod";
import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { readJsonBody } from "@/lib/http/json-route";
import { AppError } from "@/lib/errors";
import { getRule } from "@/lib/rules/queries";
import { deleteRule, updateRule } from "@/lib/rules/service";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };
const versioned = z.object({ expectedVersion: z.number().int().optional() }).passthrough();

export const GET = adminRoute<Context>("rules:read", async ({ context }) => {
  const { id } = await context.params;
  return Response.json(await getRule(await getPrisma(), { id }));
});

/** Body: the changed fields, and optionally `expectedVersion` (the version the editor saw). */
export const PATCH = adminRoute<Context>("rules:write", async ({ request, context, principal, requestId }) => {
  const { id } = await context.params;
  const { expectedVersion, ...input } = versioned.parse(await readJsonBody(request));
  return Response.json(await updateRule(await getPrisma(), { id, input, expectedVersion, actor: actorOf(principal, requestId, request) }));
});

/** Body (optional): `{ justification, expectedVersion }`. */
export const DELETE = adminRoute<Context>("rules:write", async ({ request, context, principal, requestId }) => {
  const { id } = await context.params;
  const text = await request.text();
  let raw: unknown = {};
  try {
    if (text.trim()) raw = JSON.parse(text);
  } catch {
    throw new AppError("invalid_input", "The body is not valid JSON");
  }
  const { expectedVersion, ...input } = versioned.parse(raw);
  return Response.json(await deleteRule(await getPrisma(), { id, input, expectedVersion, actor: actorOf(principal, requestId, request) }));
});
