// Step-by-step connection guides, shown in the page (the one for this directory's kind opened).
import { Card } from "@/components/ui/card";

function Step({ children }: { children: React.ReactNode }) {
  return <li className="pl-1">{children}</li>;
}

function Value({ children }: { children: React.ReactNode }) {
  return <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.8rem] break-all">{children}</code>;
}

function Guide({ title, open, children }: { title: string; open: boolean; children: React.ReactNode }) {
  return (
    <details open={open} className="group rounded-md border border-slate-200 bg-white">
      <summary className="cursor-pointer list-none rounded-md px-4 py-2.5 font-medium text-slate-900 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600">
        <span aria-hidden="true" className="mr-2 inline-block transition-transform group-open:rotate-90">▸</span>
        {title}
      </summary>
      <div className="border-t border-slate-200 px-4 py-3 text-sm text-slate-700">{children}</div>
    </details>
  );
}

export function SetupInstructions({ kind, scimBaseUrl, tokenEndpoint, canWrite }: { kind: string; scimBaseUrl: string; tokenEndpoint: string; canWrite: boolean }) {
  const other = kind !== "entra" && kind !== "okta";
  // Only roles that may create tokens are told to; the others learn who can.
  const hint = canWrite
    ? "Create a token first (below); you paste it into the identity provider once."
    : "Tokens for this directory are created by an administrator; the identity provider needs one, pasted in once.";
  return (
    <Card title="Set up your identity provider" description={hint}>
      <div className="space-y-3">
        <Guide title="Microsoft Entra ID" open={kind === "entra"}>
          <ol className="list-decimal space-y-2 pl-5">
            <Step>
              In the Microsoft Entra admin center open <strong>Enterprise applications → New application → Create your own
              application</strong>, name it “Custodian” and choose <em>Integrate any other application you don’t find in the gallery</em>.
            </Step>
            <Step>In the new application open <strong>Provisioning</strong> and set <strong>Provisioning Mode</strong> to <strong>Automatic</strong>.</Step>
            <Step>
              Under <strong>Admin Credentials</strong> enter <strong>Tenant URL</strong> <Value>{scimBaseUrl}</Value> and, as
              <strong> Secret Token</strong>, a token of this directory.
            </Step>
            <Step>
              Click <strong>Test Connection</strong>. Entra looks up a random user; Custodian answers with an empty list and the
              request appears in the request log below.
            </Step>
            <Step>
              Under <strong>Mappings</strong> keep the default user and group mappings (<Value>userPrincipalName → userName</Value>,
              department, manager and employee number in the enterprise extension are all understood). Remove mappings you do not
              want Custodian to hold.
            </Step>
            <Step>
              Under <strong>Settings → Scope</strong> choose <em>Sync only assigned users and groups</em>, then assign them under
              <strong> Users and groups</strong>. Groups decide access in Custodian, so assign the groups, not only people.
            </Step>
            <Step>
              Set <strong>Provisioning Status</strong> to <strong>On</strong> and save. Entra provisions in cycles of about 40
              minutes; <strong>Provision on demand</strong> sends one user right away.
            </Step>
          </ol>
        </Guide>
        <Guide title="Okta" open={kind === "okta"}>
          <ol className="list-decimal space-y-2 pl-5">
            <Step>
              In the Okta Admin Console open <strong>Applications → Create App Integration</strong> (SAML 2.0 or SWA), name it
              “Custodian”, then on its <strong>General</strong> tab set <strong>Provisioning</strong> to <strong>SCIM</strong>.
            </Step>
            <Step>
              On the <strong>Provisioning → Integration</strong> tab enter <strong>SCIM connector base URL</strong>{" "}
              <Value>{scimBaseUrl}</Value> and <strong>Unique identifier field for users</strong> <Value>userName</Value>.
            </Step>
            <Step>
              Tick <strong>Push New Users</strong>, <strong>Push Profile Updates</strong> and <strong>Push Groups</strong>.
            </Step>
            <Step>
              Set <strong>Authentication Mode</strong> to <strong>HTTP Header</strong> and paste a token of this directory as the
              <strong> Bearer</strong> token. (Clients that support OAuth 2.0 client credentials can instead use an OAuth client
              below with the token endpoint <Value>{tokenEndpoint}</Value>.)
            </Step>
            <Step>Click <strong>Test Connector Configuration</strong>, then <strong>Save</strong>.</Step>
            <Step>
              Under <strong>Provisioning → To App</strong> enable <strong>Create Users</strong>, <strong>Update User
              Attributes</strong> and <strong>Deactivate Users</strong>.
            </Step>
            <Step>
              Assign people and groups on the <strong>Assignments</strong> tab and push the groups that should grant access on
              the <strong>Push Groups</strong> tab.
            </Step>
          </ol>
        </Guide>
        <Guide title="Other SCIM 2.0 clients (Google, OneLogin, JumpCloud, custom)" open={other}>
          <ol className="list-decimal space-y-2 pl-5">
            <Step>Base URL <Value>{scimBaseUrl}</Value>; resources <Value>/Users</Value> and <Value>/Groups</Value> (RFC 7644).</Step>
            <Step>Authentication: <Value>Authorization: Bearer &lt;token&gt;</Value> with a token of this directory, or OAuth 2.0 client credentials at <Value>{tokenEndpoint}</Value>.</Step>
            <Step>Use <Value>userName</Value> as the unique identifier; send <Value>externalId</Value> when the client has one.</Step>
            <Step>Discovery: <Value>/ServiceProviderConfig</Value>, <Value>/ResourceTypes</Value>, <Value>/Schemas</Value>. Bulk and password changes are not supported.</Step>
          </ol>
        </Guide>
      </div>
    </Card>
  );
}
