import { z } from "zod";
import { setAccountDisabled } from "@/lib/auth/accounts";
import { idParams, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const body = z.object({ disabled: z.boolean() });

/** Disables or re-enables an account: { "disabled": true | false }. */
export const PATCH = route({ auth: { permission: "accounts:manage" }, params: idParams, body }, async ({ db, params, body, actor }) => {
  const account = await setAccountDisabled(db, { accountId: params.id, disabled: body.disabled, actor });
  return Response.json({ id: account.id, email: account.email, disabled: account.disabledAt !== null });
});
