import { expect, test } from "@playwright/test";
import { postOk, SCIM_GROUP, SCIM_HEADERS, SCIM_USER, signIn } from "./fixtures";

// An IT admin maps a group to a repository: they see who would gain access before saving, save,
// and find the new access (with its reasons) on the person's page. People and groups arrive over
// real SCIM; the repository and contract through the dashboard's own JSON API.

test("create a rule, see the impact preview, save it, see the user's access change", async ({ page, request }) => {
  const suffix = Date.now().toString(36);
  const user = await postOk<{ id: string }>(request, "/scim/v2/Users", {
    schemas: [SCIM_USER],
    userName: `rita.${suffix}@contoso.example`,
    displayName: `Rita Ruleson ${suffix}`,
    emails: [{ value: `rita.${suffix}@contoso.example`, primary: true }],
  }, SCIM_HEADERS);
  const group = await postOk<{ id: string }>(request, "/scim/v2/Groups", { schemas: [SCIM_GROUP], displayName: `Procurement ${suffix}`, members: [{ value: user.id }] }, SCIM_HEADERS);

  await signIn(page);
  const repo = await postOk<{ id: string }>(page.request, "/api/admin/repositories", { name: `Procurement contracts ${suffix}`, owner: "procurement@contoso.example" });
  for (const [title, confidentiality] of [["Supply agreement Acme", "internal"], ["Pricing annex Acme", "strictly_confidential"]]) {
    await postOk(page.request, "/api/admin/contracts", { title: `${title} ${suffix}`, contractType: "Supply", confidentiality, repositoryId: repo.id, externalRef: `${title}-${suffix}`.replace(/\s+/g, "-") });
  }

  // Before: no access.
  await page.goto(`/dashboard/users/${user.id}`);
  await expect(page.getByRole("heading", { level: 1, name: `Rita Ruleson ${suffix}` })).toBeVisible();
  await expect(page.getByRole("table", { name: "Contract access" }).getByText("No contract access.")).toBeVisible();

  // The group page offers a rule for the group.
  await page.goto(`/dashboard/groups/${group.id}`);
  await expect(page.getByText("No access rule uses this group or its parent groups.")).toBeVisible();
  await page.getByRole("link", { name: "New rule for this group" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "New access rule" })).toBeVisible();
  await expect(page.getByText(`Procurement ${suffix}`)).toBeVisible();

  // A server-side validation error shows next to its field.
  await page.getByRole("button", { name: "Preview impact" }).click();
  await expect(page.getByRole("textbox", { name: "Justification" })).toHaveAttribute("aria-invalid", "true");
  // A rule needs a name (issue 15): reasons, lists and the audit trail show it.
  await expect(page.getByRole("textbox", { name: "Name" })).toHaveAttribute("aria-invalid", "true");
  await page.getByRole("textbox", { name: "Name" }).fill(`Procurement edits supply ${suffix}`);
  await page.getByRole("textbox", { name: "Justification" }).fill("Procurement negotiates and edits supply agreements");
  await page.getByRole("button", { name: "Preview impact" }).click();
  await expect(page.getByRole("combobox", { name: "Repository" })).toHaveAttribute("aria-invalid", "true");

  await page.getByRole("combobox", { name: "Level" }).selectOption("edit");
  await page.getByRole("combobox", { name: "Repository" }).selectOption(repo.id);
  await page.getByRole("combobox", { name: "Confidentiality ceiling" }).selectOption("confidential");
  await page.getByRole("button", { name: "Preview impact" }).click();

  const impact = page.getByRole("region", { name: "Impact of this change" });
  await expect(impact).toBeVisible();
  await expect(impact.getByText(/1\s+person gains access to\s+1\s+contract/)).toBeVisible();
  await expect(impact.getByRole("table", { name: "Gaining access" }).getByText(`Rita Ruleson ${suffix}`)).toBeVisible();
  await expect(impact.getByRole("table", { name: "Gaining access" }).getByText("1 internal")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/rule-impact-preview.png", fullPage: true });

  // Changing the form invalidates the preview: saving needs a fresh one.
  await page.getByRole("combobox", { name: "Level" }).selectOption("comment");
  await expect(page.getByRole("button", { name: "Confirm and create rule" })).toHaveCount(0);
  await page.getByRole("combobox", { name: "Level" }).selectOption("edit");
  await page.getByRole("button", { name: "Confirm and create rule" }).click();

  await expect(page.getByRole("heading", { level: 1, name: `Procurement edits supply ${suffix}` })).toBeVisible();
  await expect(page.getByText("Saved as version 1.")).toBeVisible();
  await expect(page.getByText("Procurement negotiates and edits supply agreements").first()).toBeVisible();
  await expect(page.getByText("Version 1", { exact: true })).toBeVisible();
  const ruleUrl = page.url().replace(/\?.*$/, "");

  // After: the person can edit the internal contract (not the strictly confidential one), and why.
  await page.goto(`/dashboard/users/${user.id}`);
  const access = page.getByRole("table", { name: "Contract access" });
  await expect(access.getByRole("link", { name: new RegExp(`Supply agreement Acme ${suffix}`) })).toBeVisible();
  await expect(access.getByText(`Pricing annex Acme ${suffix}`)).toHaveCount(0);
  await expect(access.getByText("edit", { exact: true }).first()).toBeVisible();
  await access.getByText(`Procurement ${suffix}`).first().click();
  await expect(access.getByText("“Procurement negotiates and edits supply agreements”")).toBeVisible();
  await expect(access.getByRole("link", { name: `Procurement edits supply ${suffix}` })).toBeVisible();
  await expect(page.getByText("Access granted")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/user-access-after-rule.png", fullPage: true });

  // Edit: lowering the level shows who loses what, then a second version appears in the history.
  await page.goto(ruleUrl);
  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Edit access rule" })).toBeVisible();
  await page.getByRole("combobox", { name: "Level" }).selectOption("comment");
  await page.getByRole("textbox", { name: "Justification" }).fill("Procurement only comments; legal edits");
  await page.getByRole("textbox", { name: "Name" }).fill(`Procurement comments on supply ${suffix}`);
  await page.getByRole("button", { name: "Preview impact" }).click();
  await expect(page.getByRole("region", { name: "Impact of this change" }).getByText(/1\s+person loses access to\s+1\s+contract/)).toBeVisible();
  await expect(page.getByRole("table", { name: "Losing access" }).getByText("edit → comment (1)")).toBeVisible();
  await page.getByRole("button", { name: "Confirm and save changes" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Procurement comments on supply ${suffix}` })).toBeVisible();
  await expect(page.getByText("Saved as version 2.")).toBeVisible();
  await expect(page.getByText("Version 1", { exact: true })).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: "Version 2" }).getByText("edit", { exact: true })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/rule-detail.png", fullPage: true });

  // Delete: the confirmation shows who loses access; cancelling keeps the rule.
  await page.getByRole("button", { name: "Delete rule" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this access rule?" });
  await expect(dialog.getByText(/1\s+person loses access to\s+1\s+contract/)).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/rule-delete-confirm.png", fullPage: true });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole("button", { name: "Delete rule" }).click();
  await dialog.getByRole("textbox", { name: /Why is it removed/ }).fill("Supplier consolidation finished");
  await dialog.getByRole("button", { name: "Delete rule" }).click();
  await expect(page.getByText(/This rule was deleted on/)).toBeVisible();
  await page.goto(`/dashboard/users/${user.id}`);
  await expect(page.getByRole("table", { name: "Contract access" }).getByText("No contract access.")).toBeVisible();
  await expect(page.getByText(/Access revoked/).first()).toBeVisible();
});

test("the rules list searches by name, any case", async ({ page, request }) => {
  const suffix = Date.now().toString(36);
  const group = await postOk<{ id: string }>(request, "/scim/v2/Groups", { schemas: [SCIM_GROUP], displayName: `Search group ${suffix}`, members: [] }, SCIM_HEADERS);
  await signIn(page);
  const repo = await postOk<{ id: string }>(page.request, "/api/admin/repositories", { name: `Search repo ${suffix}`, owner: "legal@contoso.example" });
  for (const name of [`Osprey readers ${suffix}`, `Heron editors ${suffix}`]) {
    await postOk(page.request, "/api/admin/rules", { name, groupId: group.id, level: "view", repositoryId: repo.id, justification: "search test" });
  }
  await page.goto("/dashboard/rules");
  const table = page.getByRole("table", { name: "Access rules" });
  await page.getByRole("searchbox", { name: "Search" }).fill(`OSPREY READERS ${suffix}`.toUpperCase());
  await expect(table.getByRole("link", { name: `Osprey readers ${suffix}` })).toBeVisible();
  await expect(table.getByRole("link", { name: `Heron editors ${suffix}` })).toHaveCount(0);
  await page.getByRole("searchbox", { name: "Search" }).fill(`no such rule ${suffix}`);
  await expect(page.getByText("No rules match these filters.")).toBeVisible();
});
