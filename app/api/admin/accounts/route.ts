import { getPrisma } from "@/lib/db/client";
import { createAccount } from "@/lib/auth/accounts";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { readJsonBody } from "@/lib/http/json-route";
import { listAccountsForAdmin } from "@/lib/accounts/queries";

export const dynamic = "force-dynamic";

export const GET = adminRoute("accounts:manage", async ({ request }) =>
  Response.json(await listAccountsForAdmin(await getPrisma(), Object.fromEntries(new URL(request.url).searchParams))),
);

export const POST = adminRoute("accounts:manage", async ({ request, principal, requestId }) => {
  const account = await createAccount(await getPrisma(), {
    input: (await readJsonBody(request)) as never,
    actor: actorOf(principal, requestId, request),
  });
  return Response.json({ id: account.id, email: account.email, name: account.name, role: account.role }, { status: 201 });
});
