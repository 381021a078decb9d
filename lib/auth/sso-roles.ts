// Dashboard roles of a person signing in by SSO: the active SCIM user with that e-mail (or
// userName), and the roles their groups grant (lib/roles/service.ts, nested groups included).
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { rolesOfUser } from "@/lib/roles/service";
import type { Role } from "./permissions";

export async function rolesOfSsoUser(prisma: PrismaClient, email: string): Promise<{ userId: string; roles: Role[] } | null> {
  const key = email.toLowerCase();
  const user = await prisma.user.findFirst({
    // A user suspended by the inactivity policy has no access, the dashboard included.
    where: { active: true, suspendedAt: null, OR: [{ primaryEmail: key }, { userNameKey: key }] },
    select: { id: true },
    orderBy: { createdAt: "asc" },
  });
  if (!user) return null;
  return { userId: user.id, roles: await rolesOfUser(prisma, { userId: user.id }) };
}
