import { createAccount, createAccountInput } from "@/lib/auth/accounts";
import { route } from "@/lib/http/route";
import { listAccountsForAdmin } from "@/lib/accounts/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "accounts:manage" } }, async ({ db, query }) => Response.json(await listAccountsForAdmin(db, query)));

export const POST = route({ auth: { permission: "accounts:manage" }, body: createAccountInput }, async ({ db, body, actor }) => {
  const account = await createAccount(db, { input: body, actor });
  return Response.json({ id: account.id, email: account.email, name: account.name, role: account.role }, { status: 201 });
});
