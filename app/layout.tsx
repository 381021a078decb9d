import type { Metadata } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Custodian", template: "%s · Custodian" },
  description: "Access governance for contract repositories, provisioned by your identity provider over SCIM 2.0.",
};

export default async function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  // Every page is rendered per request: the Content-Security-Policy nonce (proxy.ts) must be on
  // its scripts, and a prerendered page would carry none.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">{children}</body>
    </html>
  );
}
