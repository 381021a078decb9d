// One console account per role for route tests, and a switch for whose session the next request
// carries (see next-auth-session.ts for the next-auth mock each test file installs).
import { beforeAll } from "vitest";
import { createAccount } from "../auth/accounts";
import type { Role } from "../auth/permissions";
import type { Database } from "../db/client";
import { unique } from "./database";
import { testSession } from "./next-auth-session";

export function setupRoleAccounts(db: () => Database) {
  const accounts = {} as Record<Role, { id: string; email: string }>;

  beforeAll(async () => {
    for (const role of ["admin", "compliance", "auditor"] as const) {
      const email = `${unique(role)}@example.com`;
      const account = await createAccount(db().prisma, { input: { email, role, password: "a-long-password-1" }, actor: { type: "system", label: "test" } });
      accounts[role] = { id: account.id, email };
    }
  });

  function signInAs(role: Role | null) {
    testSession.current = role ? { kind: "local", accountId: accounts[role].id, sessionVersion: 1, user: { email: accounts[role].email } } : null;
  }

  return { accounts, signInAs };
}
