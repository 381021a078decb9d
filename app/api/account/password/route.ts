import { changeOwnPassword, changePasswordInput } from "@/lib/auth/accounts";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The signed-in person's own password: { currentPassword, newPassword }. Ends their sessions. */
export const POST = route({ auth: { permission: "own-password:change" }, body: changePasswordInput }, async ({ db, body, principal, actor }) => {
  if (principal.kind !== "local") throw new AppError("forbidden", "Your password is managed by your identity provider");
  await changeOwnPassword(db, { accountId: principal.id, currentPassword: body.currentPassword, newPassword: body.newPassword, actor });
  return Response.json({ changed: true });
});
