import { z } from "zod";
import { resetAccountPassword, setAccountDisabled } from "@/lib/auth/accounts";
import { idParams, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const body = z
  .object({ disabled: z.boolean().optional(), password: z.string().min(12, "at least 12 characters").max(200).optional() })
  .refine((b) => b.disabled !== undefined || b.password !== undefined, "Give disabled or password");

/** Disables or re-enables an account ({ "disabled": true | false }) and/or resets its password ({ "password": … }). */
export const PATCH = route({ auth: { permission: "accounts:manage" }, params: idParams, body }, async ({ db, params, body, actor }) => {
  let account = body.password !== undefined ? await resetAccountPassword(db, { accountId: params.id, password: body.password, actor }) : undefined;
  if (body.disabled !== undefined) account = await setAccountDisabled(db, { accountId: params.id, disabled: body.disabled, actor });
  return Response.json({ id: account!.id, email: account!.email, disabled: account!.disabledAt !== null });
});
