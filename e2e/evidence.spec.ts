import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { postOk, SCIM_GROUP, SCIM_HEADERS, SCIM_USER, signIn } from "./fixtures";

// An auditor's request: who had access to this contract over the period, with the grants and
// revocations behind it, and how fast leavers lost access. The history is made over real SCIM and
// the dashboard API; the pack is previewed, downloaded as CSV and checked.

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

test("build an evidence pack for a contract, download the CSV, see the leavers chart", async ({ page, request }) => {
  const suffix = Date.now().toString(36);
  const stay = await postOk<{ id: string }>(request, "/scim/v2/Users", { schemas: [SCIM_USER], userName: `erin.${suffix}@contoso.example`, displayName: `Erin Evidence ${suffix}` }, SCIM_HEADERS);
  const leave = await postOk<{ id: string }>(request, "/scim/v2/Users", { schemas: [SCIM_USER], userName: `lars.${suffix}@contoso.example`, displayName: `Lars Leaver ${suffix}` }, SCIM_HEADERS);
  const group = await postOk<{ id: string }>(request, "/scim/v2/Groups", { schemas: [SCIM_GROUP], displayName: `Audit ${suffix}`, members: [{ value: stay.id }, { value: leave.id }] }, SCIM_HEADERS);

  await signIn(page);
  const repo = await postOk<{ id: string }>(page.request, "/api/admin/repositories", { name: `Procurement ${suffix}` });
  await postOk(page.request, "/api/admin/contracts", { title: `Supply agreement ${suffix}`, contractType: "Supply", confidentiality: "internal", repositoryId: repo.id });
  await postOk(page.request, "/api/admin/rules", { name: "Audit reviews procurement", groupId: group.id, level: "comment", repositoryId: repo.id, justification: "Audit reviews procurement" });
  const off = await request.patch(`/scim/v2/Users/${leave.id}`, { headers: SCIM_HEADERS, data: { schemas: [PATCH], Operations: [{ op: "replace", path: "active", value: false }] } });
  expect(off.status()).toBe(200);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Evidence" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Evidence" })).toBeVisible();
  const picker = page.getByRole("combobox", { name: "Contract" });
  await picker.fill(`Supply agreement ${suffix}`);
  await page.getByRole("option", { name: new RegExp(`Supply agreement ${suffix}`) }).click();
  await page.getByRole("button", { name: "Preview" }).click();

  await expect(page.getByRole("cell", { name: `Erin Evidence ${suffix}` })).toBeVisible();
  await expect(page.getByRole("cell", { name: `Lars Leaver ${suffix}` }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "user.deactivated" }).first()).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/evidence-pack.png", fullPage: true });

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV: Access intervals" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^evidence-contract-.*-intervals\.csv$/);
  const csv = readFileSync(await download.path(), "utf8");
  const lines = csv.trim().split(/\r\n/);
  expect(lines[0]).toMatch(/^userId,userName,displayName,contractId,contractTitle/);
  expect(lines).toHaveLength(3);
  expect(csv).toContain(`erin.${suffix}@contoso.example`);
  expect(csv).toContain(`lars.${suffix}@contoso.example`);
  expect(csv).toContain(`Audit ${suffix}`);
  expect(csv).toContain("Audit reviews procurement");

  const [events] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV: Grants & revocations" }).first().click()]);
  const eventsCsv = readFileSync(await events.path(), "utf8");
  expect(eventsCsv).toMatch(/access\.revoked,.*user\.deactivated/);

  // The printable summary opens in a new tab, under its own hash-based policy (issue 14 item 15):
  // its style applies, its print button works, and the browser reports no violation.
  await page.context().addInitScript(() => {
    const w = window as unknown as { __violations: string[]; __printed: boolean };
    w.__violations = [];
    w.__printed = false;
    document.addEventListener("securitypolicyviolation", (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    window.print = () => {
      w.__printed = true;
    };
  });
  const [summary] = await Promise.all([page.waitForEvent("popup"), page.getByRole("link", { name: "Printable summary (HTML / PDF)" }).first().click()]);
  await expect(summary.getByRole("button", { name: "Print / save as PDF" })).toBeVisible();
  await expect(summary.getByRole("heading", { level: 1 })).toContainText(`Supply agreement ${suffix}`);
  await expect(summary.getByRole("button", { name: "Print / save as PDF" })).toHaveCSS("background-color", "rgb(29, 78, 216)");
  await summary.getByRole("button", { name: "Print / save as PDF" }).click();
  expect(await summary.evaluate(() => (window as unknown as { __printed: boolean }).__printed)).toBe(true);
  expect(await summary.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
  await summary.screenshot({ path: "test-results/screenshots/evidence-summary.png", fullPage: true });
  await summary.close();

  // Leavers: Lars, revoked within his deactivation request (some bucket holds him).
  // (the last table on the page: the events table above names him too)
  await expect(page.getByRole("cell", { name: `lars.${suffix}@contoso.example` }).last()).toBeVisible();
  await expect(page.getByRole("img", { name: /^Time to revoke: .*: [1-9]/ })).toBeVisible();
  await page.getByRole("heading", { name: "Leavers: time to revoke" }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/screenshots/evidence-leavers.png", fullPage: true });
});
