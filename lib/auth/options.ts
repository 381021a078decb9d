// next-auth (v4) configuration: local accounts (e-mail + password) and, when configured, single
// sign-on with any OpenID Connect provider. Sessions are JWTs; who the person is and which roles
// they hold is re-checked against the database on every request (lib/auth/principal.ts).
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { generateSecret } from "@/lib/directories/credentials";
import { AppError } from "@/lib/errors";
import { clientAddress, nodeHeaders } from "@/lib/forwarded";
import { verifyCredentials } from "./accounts";
import { passwordHashGate } from "./passwords";
import { clearAccountAttempts, takeSignInAttempt } from "./sign-in-limits";
import { bindSsoIdentity, normalizeIssuer } from "./sso-roles";

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

/** The client IP of a sign-in, for its rate limit and audit event: the one client address (lib/forwarded.ts). */
function signInClientIp(req: { headers?: Record<string, unknown> } | undefined): string | undefined {
  return clientAddress(nodeHeaders(req?.headers));
}

// Errors passed to /login?error=…, which the login page turns into text (app/login/login-form.tsx).
const SIGN_IN_BUSY = "TooManyAttempts";
const SIGN_IN_RETRY_AFTER_SECONDS = 60;

/**
 * next-auth answers every refused credentials sign-in alike (401, or a redirect for a plain form
 * post). A sign-in refused by the rate limits or the hashing bound is 429 with Retry-After, as
 * clients and monitoring expect: the JSON answer the login page's signIn() reads keeps its body
 * (the page shows the message from its url). A form post keeps next-auth's redirect to the login
 * page, which a browser without JavaScript must follow.
 */
export async function signInBusyAs429(response: Response): Promise<Response> {
  if (response.status !== 401 || !response.headers.get("content-type")?.includes("application/json")) return response;
  const body = await response.clone().json().catch(() => null) as { url?: unknown } | null;
  if (typeof body?.url !== "string" || new URL(body.url, "http://x").searchParams.get("error") !== SIGN_IN_BUSY) return response;
  const headers = new Headers(response.headers);
  headers.set("retry-after", String(SIGN_IN_RETRY_AFTER_SECONDS));
  return new Response(response.body, { status: 429, headers });
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
        // Fail fast and cheaply while this process cannot hash another password anyway.
        if (passwordHashGate.saturated) throw new Error(SIGN_IN_BUSY);
        const prisma = await getPrisma();
        const ip = signInClientIp(req);
        // Before any hashing: a flood costs an upsert per attempt (README "Security").
        const allowed = await takeSignInAttempt(prisma, {
          email,
          ip,
          limits: { perIp: config.SIGNIN_IP_LIMIT_PER_MINUTE, perAccount: config.SIGNIN_ACCOUNT_LIMIT_PER_MINUTE },
        });
        if (!allowed.ok) throw new Error(SIGN_IN_BUSY);
        const result = await verifyCredentials(prisma, { email, password, ip }).catch((err: unknown) => {
          // The password-hashing bound is full: refused fast, nothing counted against the account.
          if (err instanceof AppError && err.code === "rate_limited") throw new Error(SIGN_IN_BUSY);
          throw err;
        });
        if (!result.ok) {
          // next-auth passes the message to /login?error=… — no account details in it.
          throw new Error(result.reason === "locked" ? `Locked:${result.retryAfterSeconds}` : "CredentialsSignin");
        }
        await clearAccountAttempts(prisma, email);
        return {
          id: result.account.id,
          email: result.account.email,
          name: result.account.name ?? result.account.email,
          sessionVersion: result.account.sessionVersion,
        };
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
      // SSO: only an identity bound (or now bindable) to an allowed SCIM user gets a session.
      async signIn({ account, profile }) {
        if (account?.provider !== "oidc") return true;
        if (!config.OIDC_ISSUER) return false;
        const bound = await bindSsoIdentity(await getPrisma(), { issuer: config.OIDC_ISSUER, claims: { ...(profile ?? {}) } });
        return bound !== null;
      },
      async jwt({ token, user, account, profile }) {
        if (user && account) {
          token.email = user.email?.toLowerCase();
          if (account.provider === "oidc") {
            token.kind = "sso";
            token.accountId = undefined;
            token.ssoIssuer = normalizeIssuer(config.OIDC_ISSUER ?? "");
            token.ssoSubject = profile?.sub ?? account.providerAccountId;
          } else {
            token.kind = "local";
            token.accountId = user.id;
            token.sessionVersion = (user as { sessionVersion?: number }).sessionVersion;
          }
        }
        return token;
      },
      async session({ session, token }) {
        const { kind, accountId, sessionVersion, ssoIssuer, ssoSubject } = token;
        return { ...session, kind, accountId, sessionVersion, ssoIssuer, ssoSubject } as typeof session;
      },
    },
  };
}
