// The session a route test's requests carry. next-auth's getServerSession needs a Next.js request
// scope, so route tests replace only it, with a lookup of this holder. vi.mock is hoisted per test
// file, so each file keeps its own call and hands it this factory:
//   vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));
// This module has no runtime imports, so loading it from inside the mock factory cannot cycle back
// into next-auth.
export type TestSession =
  | { kind: string; accountId: string; sessionVersion?: number; user: { email: string } }
  | { kind: "sso"; ssoIssuer: string; ssoSubject: string; user: { email: string } };

export const testSession: { current: TestSession | null } = { current: null };

export async function mockNextAuth(importOriginal: <T>() => Promise<T>) {
  return {
    ...(await importOriginal<typeof import("next-auth")>()),
    getServerSession: async () => testSession.current,
  };
}
