// Read model of the local dashboard accounts (Settings → Accounts). Writes are in
// lib/auth/accounts.ts (createAccount, setAccountDisabled).
import { z } from "zod";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { ROLES } from "@/lib/auth/permissions";
import { pageWindow, type Page } from "@/lib/pagination";
import { now as clockNow } from "@/lib/clock";

export const accountListQuery = z.object({
  search: z.string().trim().max(200).optional(),
  role: z.enum(ROLES).optional().or(z.literal("").transform(() => undefined)),
  status: z.enum(["enabled", "disabled"]).optional().or(z.literal("").transform(() => undefined)),
  sort: z.enum(["email", "role", "createdAt", "lastLoginAt"]).default("email"),
  order: z.enum(["asc", "desc"]).default("asc"),
  page: z.coerce.number().optional(),
  pageSize: z.coerce.number().optional(),
});

export interface AccountListItem {
  id: string;
  email: string;
  name: string | null;
  role: string;
  disabled: boolean;
  /** Locked after repeated failed sign-ins, until this time. */
  lockedUntil: string | null;
  lastLoginAt: string | null;
  createdAt: string;
  createdBy: string | null;
}

export async function listAccountsForAdmin(
  prisma: PrismaClient,
  input: z.input<typeof accountListQuery>,
  now = clockNow(),
): Promise<Page<AccountListItem>> {
  const q = accountListQuery.parse(input);
  const { page, pageSize, skip, take } = pageWindow({ page: q.page, pageSize: q.pageSize });
  const where: Prisma.AdminAccountWhereInput = {
    ...(q.role ? { role: q.role } : {}),
    ...(q.status ? { disabledAt: q.status === "disabled" ? { not: null } : null } : {}),
    ...(q.search
      ? { OR: [{ email: { contains: q.search.toLowerCase() } }, { name: { contains: q.search, mode: "insensitive" } }] }
      : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.adminAccount.count({ where }),
    prisma.adminAccount.findMany({
      where,
      orderBy: [q.sort === "lastLoginAt" ? { lastLoginAt: { sort: q.order, nulls: "last" } } : { [q.sort]: q.order }, { id: "asc" }],
      skip,
      take,
      // Never the password hash.
      select: { id: true, email: true, name: true, role: true, disabledAt: true, lockedUntil: true, lastLoginAt: true, createdAt: true, createdBy: true },
    }),
  ]);
  return {
    total,
    page,
    pageSize,
    items: rows.map((a) => ({
      id: a.id,
      email: a.email,
      name: a.name,
      role: a.role,
      disabled: a.disabledAt !== null,
      lockedUntil: a.lockedUntil && a.lockedUntil > now ? a.lockedUntil.toISOString() : null,
      lastLoginAt: a.lastLoginAt?.toISOString() ?? null,
      createdAt: a.createdAt.toISOString(),
      createdBy: a.createdBy,
    })),
  };
}
