import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Custodian", template: "%s · Custodian" },
  description: "Access governance for contract repositories, provisioned by your identity provider over SCIM 2.0.",
};

export default function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">{children}</body>
    </html>
  );
}
