// next-auth (v4) configuration: local accounts (e-mail + password) and, when configured, single
// sign-on with any OpenID Connect provider. Sessions are JWTs; who the person is and which roles
// they hold is re-checked against the database on every request (lib/auth/principal.ts).
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { generateSecret } from "@/lib/directories/credentials";
import { clientAddress, nodeHeaders } from "@/lib/forwarded";
import { verifyCredentials } from "./accounts";

export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

let cachedSecret: string | undefined;

/** AUTH_SECRET/NEXTAUTH_SECRET, else a random secret generated once and shared via the database. */
export async function sessionSecret(): Promise<string> {
  if (cachedSecret) return cachedSecret;
  const configured = getConfig().authSecret;
  if (configured) return (cachedSecret = configured);
  const prisma = await getPrisma();
  const name = "session-secret";
  await prisma.instanceSecret.createMany({ data: [{ name, value: generateSecret("") }], skipDuplicates: true });
  return (cachedSecret = (await prisma.instanceSecret.findUniqueOrThrow({ where: { name } })).value);
}

export function oidcConfigured(): boolean {
  const c = getConfig();
  return Boolean(c.OIDC_ISSUER && c.OIDC_CLIENT_ID && c.OIDC_CLIENT_SECRET);
}

export async function buildAuthOptions(): Promise<AuthOptions> {
  const config = getConfig();
  const providers: AuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "E-mail and password",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const email = String(credentials?.email ?? "").slice(0, 254);
        const password = String(credentials?.password ?? "").slice(0, 200);
        if (!email || !password) return null;
        const result = await verifyCredentials(await getPrisma(), {
          email,
          password,
          ip: clientAddress(nodeHeaders(req?.headers)),
        });
        if (!result.ok) {
          // next-auth passes the message to /login?error=… — no account details in it.
          throw new Error(result.reason === "locked" ? `Locked:${result.retryAfterSeconds}` : "CredentialsSignin");
        }
        return { id: result.account.id, email: result.account.email, name: result.account.name ?? result.account.email };
      },
    }),
  ];
  if (oidcConfigured()) {
    providers.push({
      id: "oidc",
      name: config.OIDC_NAME,
      type: "oauth",
      wellKnown: `${config.OIDC_ISSUER!.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: config.OIDC_CLIENT_ID,
      clientSecret: config.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile(profile: { sub: string; email?: string; preferred_username?: string; name?: string }) {
        return { id: profile.sub, email: (profile.email ?? profile.preferred_username ?? "").toLowerCase(), name: profile.name };
      },
    });
  }
  return {
    secret: await sessionSecret(),
    providers,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login", error: "/login" },
    callbacks: {
      async jwt({ token, user, account }) {
        if (user && account) {
          token.kind = account.provider === "oidc" ? "sso" : "local";
          token.accountId = account.provider === "oidc" ? undefined : user.id;
          token.email = user.email?.toLowerCase();
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, kind: token.kind, accountId: token.accountId } as typeof session;
      },
    },
  };
}
