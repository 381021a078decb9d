import { expect, test } from "@playwright/test";
import { scimUserAndGroup, signIn, uniqueSuffix } from "./fixtures";

test("the users list filters by group (the group picker)", async ({ page, request }) => {
  const suffix = uniqueSuffix();
  const { group } = await scimUserAndGroup(request, suffix);
  await signIn(page);
  await page.goto("/dashboard/users");
  const table = page.getByRole("table", { name: "Users" });
  await expect(table).toBeVisible();
  await page.getByLabel("Group").fill(group.displayName as string);
  await page.getByRole("option", { name: new RegExp(group.displayName as string) }).first().click();
  await expect(table.getByRole("row")).toHaveCount(2); // header + the one member
  await expect(table).toContainText(suffix);
  await page.screenshot({ path: "test-results/screenshots/users-group-filter.png", fullPage: true });
});
