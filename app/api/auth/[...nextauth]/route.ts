// next-auth's own endpoints (sign-in, callbacks, CSRF): its handler, not a JSON route.
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { buildAuthOptions, signInBusyAs429 } from "@/lib/auth/options";
import { MAX_SIGN_IN_BODY_BYTES, withBodyLimit } from "@/lib/http/body";

export const dynamic = "force-dynamic";

// next-auth reads a body whole: it gets one already read within the sign-in limit (413 past it).
// A sign-in refused by the rate limits or the hashing bound answers 429 (lib/auth/options.ts).
const handler = withBodyLimit(MAX_SIGN_IN_BODY_BYTES, async (request: NextRequest, context: { params: Promise<{ nextauth: string[] }> }) =>
  signInBusyAs429(await NextAuth(request, context, await buildAuthOptions())),
);

export { handler as GET, handler as POST };
