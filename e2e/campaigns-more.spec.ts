import { createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { canonicalJson } from "../lib/audit/canonical-json";
import { createAccountInSettings, postOk, SCIM_GROUP, SCIM_HEADERS, SCIM_USER, signIn, uniqueSuffix } from "./fixtures";

// A second campaign life in the browser, per role, over what e2e/campaigns.spec.ts leaves out: a
// scope filtered by contract type (the revocation withdraws only those contracts), "don't know"
// escalating to the fallback reviewer, the signed report downloaded and verified, carry-forward
// into the next campaign, and a mover review started by a SCIM change of manager after the admin
// turned mover reviews on in the directory page.

const PASSWORD = "campaign-more-e2e-password-123";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

test.describe.serial("campaign life: type-filtered scope, escalation, signed report, carry forward, mover review", () => {
  const suffix = uniqueSuffix();
  const definition = `MSA review ${suffix}`;
  const emails = {
    compliance: `compliance.more.${suffix}@example.com`,
    auditor: `auditor.more.${suffix}@example.com`,
    reviewer: `owner.${suffix}@contoso.example`,
    fallback: `fallback.${suffix}@contoso.example`,
  };
  const ids = { ann: "", ben: "", owner: "", fallback: "", newManager: "", repository: "", msa: "", nda: "", directory: "" };

  async function as(browser: Browser, email: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email, PASSWORD);
    return page;
  }

  async function allowed(page: Page, userId: string, contractId: string): Promise<boolean> {
    const res = await page.request.get(`/api/admin/access/check?userId=${userId}&contractId=${contractId}`);
    expect(res.status()).toBe(200);
    return ((await res.json()) as { allowed: boolean }).allowed;
  }

  test("admin: people, access to an MSA and an NDA, the reviewers' accounts, and mover reviews turned on", async ({ page, request }) => {
    const person = (name: string) =>
      postOk<{ id: string }>(
        request,
        "/scim/v2/Users",
        { schemas: [SCIM_USER], userName: `${name}.${suffix}@contoso.example`, displayName: `${name} ${suffix}`, emails: [{ value: `${name}.${suffix}@contoso.example`, primary: true }] },
        SCIM_HEADERS,
      );
    for (const name of ["ann", "ben", "owner", "fallback", "newManager"] as const) ids[name] = (await person(name)).id;
    const group = await postOk<{ id: string }>(request, "/scim/v2/Groups", { schemas: [SCIM_GROUP], displayName: `Commercial ${suffix}`, members: [{ value: ids.ann }, { value: ids.ben }] }, SCIM_HEADERS);
    await signIn(page);
    const api = page.request;
    ids.repository = (await postOk<{ id: string }>(api, "/api/admin/repositories", { name: `Commercial ${suffix}` })).id;
    ids.msa = (await postOk<{ id: string }>(api, "/api/admin/contracts", { title: `Supply MSA ${suffix}`, contractType: "MSA", repositoryId: ids.repository })).id;
    ids.nda = (await postOk<{ id: string }>(api, "/api/admin/contracts", { title: `Mutual NDA ${suffix}`, contractType: "NDA", repositoryId: ids.repository })).id;
    await postOk(api, "/api/admin/rules", { name: `Commercial edits ${suffix}`, groupId: group.id, level: "edit", repositoryId: ids.repository, justification: "The commercial team drafts these" });
    expect((await api.put(`/api/admin/repositories/${ids.repository}/owners`, { data: { userIds: [ids.owner] } })).status()).toBe(200);
    await createAccountInSettings(page, { email: emails.compliance, role: "compliance", password: PASSWORD });
    await createAccountInSettings(page, { email: emails.auditor, role: "auditor", password: PASSWORD });
    // Reviewers: local accounts linked to their directory person by e-mail.
    await createAccountInSettings(page, { email: emails.reviewer, role: "auditor", password: PASSWORD });
    await createAccountInSettings(page, { email: emails.fallback, role: "auditor", password: PASSWORD });

    // Mover reviews, in the page of the directory the people came from.
    const directories = (await (await api.get("/api/admin/directories")).json()) as { items: { id: string; name: string }[] };
    ids.directory = directories.items.find((d) => d.name === "Default")!.id;
    await page.goto(`/dashboard/directories/${ids.directory}`);
    const mover = page.getByRole("form", { name: "Mover reviews" });
    await expect(page.getByTestId("mover-summary")).toHaveText("Off: moves start no review.");
    await mover.getByLabel("Review access after a move").check();
    await mover.getByLabel("Fallback reviewer (person id)").fill(ids.fallback);
    await mover.getByLabel("Review duration (days)").fill("5");
    await mover.getByRole("button", { name: "Save mover reviews" }).click();
    await expect(page.getByTestId("mover-summary")).toContainText("On: a move starts a 5-day review for the new manager");
    await page.getByTestId("mover-summary").scrollIntoViewIfNeeded();
    await page.screenshot({ path: "test-results/screenshots/directory-mover-reviews.png", fullPage: true });
    expect(await allowed(page, ids.ann, ids.msa)).toBe(true);
  });

  test("compliance: defines a review of MSAs with carry forward, previews and starts it", async ({ browser }) => {
    const page = await as(browser, emails.compliance);
    await page.goto("/dashboard/campaigns/new");
    await page.getByRole("textbox", { name: "Name", exact: true }).fill(definition);
    await page.getByLabel(/Repositories/).selectOption(ids.repository);
    await page.getByLabel(/Contract types/).fill("MSA");
    await page.getByRole("group", { name: "Stage 1" }).getByRole("combobox").selectOption("repository_owners");
    await page.getByLabel("Fallback reviewer (person id)").fill(ids.fallback);
    await page.getByLabel(/Carry forward/).check();
    await page.screenshot({ path: "test-results/screenshots/campaign-definition-form.png", fullPage: true });
    await page.getByRole("button", { name: "Save definition" }).click();
    await expect(page).toHaveURL(/\/dashboard\/campaigns$/);
    await page.getByRole("button", { name: `Preview ${definition}` }).click();
    await expect(page.getByRole("status")).toContainText("2 items for 2 people, 1 reviewers");
    await page.getByRole("button", { name: `Start ${definition}` }).click();
    await expect(page.getByRole("link", { name: new RegExp(`${definition} #1`) })).toBeVisible();
    await page.context().close();
  });

  test("reviewer: revokes ann's MSAs and does not know about ben (passed to the fallback reviewer)", async ({ browser }) => {
    const page = await as(browser, emails.reviewer);
    await page.goto("/reviews");
    const rows = page.locator("tbody tr");
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText("(1 contracts)");
    await page.getByLabel("Justification").fill("Moved off supply contracts");
    await rows.filter({ hasText: `ann ${suffix}` }).getByRole("button", { name: "Revoke" }).click();
    await expect(page.getByRole("status")).toContainText("1 item: revoke");
    await rows.filter({ hasText: `ben ${suffix}` }).getByRole("button", { name: "Don't know" }).click();
    await expect(page.getByText("Nothing to review.")).toBeVisible();
    await page.context().close();
  });

  test("fallback reviewer: finds the escalated item in their own queue and keeps it", async ({ browser }) => {
    const page = await as(browser, emails.fallback);
    await page.goto("/reviews");
    const rows = page.locator("tbody tr");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(`ben ${suffix}`);
    await page.screenshot({ path: "test-results/screenshots/campaign-escalated.png", fullPage: true });
    await rows.first().getByRole("button", { name: "Keep" }).click();
    await expect(page.getByText("Nothing to review.")).toBeVisible();
    await page.context().close();
  });

  test("compliance: closes; the revocation withdraws the MSA only, the NDA stays", async ({ browser }) => {
    const page = await as(browser, emails.compliance);
    await page.goto("/dashboard/campaigns");
    await page.getByRole("link", { name: new RegExp(`${definition} #1`) }).click();
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Close and apply" }).click();
    await expect(page.getByText("closed", { exact: true })).toBeVisible();
    expect(await allowed(page, ids.ann, ids.msa)).toBe(false);
    expect(await allowed(page, ids.ann, ids.nda)).toBe(true);
    expect(await allowed(page, ids.ben, ids.msa)).toBe(true);
    await page.goto("/dashboard/exclusions");
    await expect(page.locator("tbody tr").filter({ hasText: `ann ${suffix}` })).toContainText("only MSA");
    await page.context().close();
  });

  test("auditor: downloads the signed report from the report page; it verifies, with the revocation's proof", async ({ browser }) => {
    const page = await as(browser, emails.auditor);
    await page.goto("/dashboard/campaigns");
    await page.getByRole("link", { name: new RegExp(`${definition} #1`) }).click();
    await page.getByRole("link", { name: "Printable" }).click();
    await expect(page.getByText(/1 revocations \(1 applied\)/)).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/campaign-report-signed.png", fullPage: true });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download signed report" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^campaign-[0-9a-f-]{36}\.signed\.json$/);
    const signed = JSON.parse(readFileSync((await download.path())!, "utf8")) as Record<string, unknown> & { signature: string; publicKey: string };
    const { signature, ...body } = signed;
    expect(verify(null, Buffer.from(canonicalJson(body), "utf8"), createPublicKey(signed.publicKey), Buffer.from(signature, "base64"))).toBe(true);
    const items = (signed.report as { items: { outcome: string; proof: { allowed: boolean; at: string } | null }[] }).items;
    expect(items.filter((i) => i.outcome === "revoke").map((i) => i.proof?.allowed)).toEqual([false]);
    // Tampered, it no longer verifies.
    const tampered = { ...body, populationSize: 3 };
    expect(verify(null, Buffer.from(canonicalJson(tampered), "utf8"), createPublicKey(signed.publicKey), Buffer.from(signature, "base64"))).toBe(false);
    await page.context().close();
  });

  test("compliance: the next campaign carries ben's kept, unchanged access forward", async ({ browser }) => {
    const page = await as(browser, emails.compliance);
    await page.goto("/dashboard/campaigns");
    await page.getByRole("button", { name: `Preview ${definition}` }).click();
    await expect(page.getByRole("status")).toContainText("1 items for 1 people");
    await expect(page.getByRole("status")).toContainText("1 carried forward");
    await page.getByRole("button", { name: `Start ${definition}` }).click();
    await page.getByRole("link", { name: new RegExp(`${definition} #2`) }).click();
    await expect(page.getByText("1 of 1 items decided (100%)")).toBeVisible();
    await expect(page.getByText(/1 carried forward/)).toBeVisible();
    await page.getByRole("link", { name: "Printable" }).click();
    await expect(page.getByRole("cell", { name: /carried forward/ })).toHaveCount(1);
    await page.screenshot({ path: "test-results/screenshots/campaign-carried-forward.png", fullPage: true });
    await page.context().close();
  });

  test("admin: a manager change from the identity provider starts a mover review for the new manager", async ({ page, request }) => {
    // Entra's shape: capitalised op, the manager as a bare id on the enterprise extension's path.
    const res = await request.patch(`/scim/v2/Users/${ids.ann}`, {
      headers: SCIM_HEADERS,
      data: { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "Add", path: `${ENTERPRISE}:manager`, value: ids.newManager }] },
    });
    expect(res.status()).toBe(200);
    await signIn(page);
    // The job runs every 30 seconds.
    await expect
      .poll(
        async () => {
          const list = (await (await page.request.get("/api/admin/campaigns?pageSize=200")).json()) as { items: { name: string; kind: string }[] };
          return list.items.some((c) => c.kind === "mover" && c.name.includes(`ann ${suffix}`));
        },
        { timeout: 50_000, intervals: [2_000] },
      )
      .toBe(true);
    await page.goto("/dashboard/campaigns");
    await page.getByRole("link", { name: `Mover review: ann ${suffix}` }).click();
    await expect(page.getByText("mover review", { exact: true })).toBeVisible();
    await expect(page.getByText(`newManager ${suffix}`)).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/campaign-mover.png", fullPage: true });
  });
});
