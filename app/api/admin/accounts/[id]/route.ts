import { z } from "zod";
import { getPrisma } from "@/lib/db/client";
import { setAccountDisabled } from "@/lib/auth/accounts";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { readJsonBody } from "@/lib/http/json-route";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

const body = z.object({ disabled: z.boolean() });

/** Disables or re-enables an account: { "disabled": true | false }. */
export const PATCH = adminRoute<Context>("accounts:manage", async ({ request, context, principal, requestId }) => {
  const { disabled } = body.parse(await readJsonBody(request));
  const account = await setAccountDisabled(await getPrisma(), {
    accountId: (await context.params).id,
    disabled,
    actor: actorOf(principal, requestId, request),
  });
  return Response.json({ id: account.id, email: account.email, disabled: account.disabledAt !== null });
});
