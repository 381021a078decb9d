import { requirePagePermission } from "@/lib/auth/principal";
import { PasswordForm } from "./password-form";

export const metadata = { title: "Password · Settings" };

export default async function PasswordPage() {
  const principal = await requirePagePermission("own-password:change");
  if (principal.kind !== "local") {
    return <p className="text-sm text-slate-700">You sign in with single sign-on: your password is managed by your identity provider.</p>;
  }
  return <PasswordForm email={principal.email} />;
}
