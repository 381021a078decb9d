import Link from "next/link";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { PageHeader } from "@/components/ui/page-header";
import { directoriesForPages } from "@/lib/directories/queries";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
import { RequestLogPanel } from "../request-log-panel";
import { kindLabel } from "../kinds";
import { publicOrigin } from "../scim-url";
import { DirectoryHealth } from "./directory-health";
import { OAuthClientsPanel } from "./oauth-clients-panel";
import { SetupInstructions } from "./setup-instructions";
import { TokensPanel } from "./tokens-panel";

export const metadata = { title: "Directory" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ created?: string }> };

export default async function DirectoryPage({ params, searchParams }: Props) {
  const principal = await requirePagePermission("directories:read");
  const { id } = await params;
  const { created } = await searchParams;
  const directory = await directoriesForPages.detail(id).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const canWrite = can(principal.roles, "directories:write");
  const origin = await publicOrigin();
  const scimBaseUrl = `${origin}/scim/v2`;
  const tokenEndpoint = `${scimBaseUrl}/oauth/token`;

  return (
    <div className="space-y-8">
      <div>
        <nav aria-label="Breadcrumb" className="mb-2 text-sm">
          <Link href="/dashboard/directories" className="text-brand-700 underline underline-offset-2 hover:text-brand-900">Directories</Link>
          <span aria-hidden="true" className="text-slate-400"> / </span>
          <span className="text-slate-600">{directory.name}</span>
        </nav>
        <PageHeader title={directory.name} description={`${kindLabel(directory.kind)} · SCIM 2.0 directory`} />
        {created && (
          <p role="status" className="-mt-2 rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-900">
            Directory created. Next: create a token below and enter it, with the SCIM base URL, in {kindLabel(directory.kind)}.
          </p>
        )}
      </div>

      <DirectoryHealth directoryId={directory.id} canWrite={canWrite} />

      <Card title="Connection" description="What the identity provider needs to reach Custodian.">
        <dl className="space-y-3 text-sm">
          <div>
            <dt className="font-medium text-slate-700">SCIM base URL (Entra ID: “Tenant URL”)</dt>
            <dd className="mt-1 flex flex-wrap items-center gap-2">
              <code className="rounded bg-slate-100 px-2 py-1 font-mono text-sm" data-testid="scim-base-url">{scimBaseUrl}</code>
              <CopyButton value={scimBaseUrl} label="Copy URL" />
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-700">OAuth 2.0 token endpoint (client credentials, optional)</dt>
            <dd className="mt-1 flex flex-wrap items-center gap-2">
              <code className="rounded bg-slate-100 px-2 py-1 font-mono text-sm">{tokenEndpoint}</code>
              <CopyButton value={tokenEndpoint} label="Copy endpoint" />
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-700">Authentication</dt>
            <dd className="mt-1 text-slate-600">
              <code>Authorization: Bearer &lt;token&gt;</code> with a token of this directory. A token never sees or changes
              another directory’s users or groups.
            </dd>
          </div>
        </dl>
      </Card>

      <SetupInstructions kind={directory.kind} scimBaseUrl={scimBaseUrl} tokenEndpoint={tokenEndpoint} canWrite={canWrite} />

      <TokensPanel directoryId={directory.id} canWrite={canWrite} scimBaseUrl={scimBaseUrl} />

      <OAuthClientsPanel directoryId={directory.id} canWrite={canWrite} tokenEndpoint={tokenEndpoint} />

      <RequestLogPanel directoryId={directory.id} />
    </div>
  );
}
