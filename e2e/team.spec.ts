import { expect, test } from "@playwright/test";
import { createShop, PASSWORD, signUp, unique } from "./helpers";

/**
 * Teams: an owner invites a teammate by email, the teammate opens the link from the development
 * mailbox, creates an account and joins, then works in the shop as a member: they edit the
 * catalog but do not manage the team. The owner's own shop, so the spec can be re-run alone.
 */
test("invite a teammate, accept from the dev mailbox, act as the new member", async ({ browser }) => {
  // Two sign-ups, a shop and a mail through the worker: more than one default test budget.
  test.slow();
  const slug = unique("team-shop");
  const shopName = `Team ${slug}`;
  const owner = await browser.newContext();
  const ownerPage = await owner.newPage();
  await signUp(ownerPage, { name: "Tara Owner", email: `${slug}-owner@example.test` });
  await createShop(ownerPage, { name: shopName, slug });

  // 1. The owner invites a teammate as a member.
  const teammate = `${slug}-mate@example.test`;
  await ownerPage.goto(`/dashboard/${slug}/team`);
  await expect(ownerPage.getByText("No pending invitations.")).toBeVisible();
  await ownerPage.getByLabel("Email address").fill(teammate);
  await ownerPage.getByLabel("Role", { exact: true }).selectOption("member");
  await ownerPage.getByRole("button", { name: "Send invitation" }).click();
  const invitations = ownerPage.getByTestId("team-invitations");
  await expect(invitations.getByRole("row", { name: new RegExp(teammate) })).toContainText("member");
  // Bad input is refused at the field, and nothing is sent.
  await ownerPage.getByLabel("Email address").fill("not-an-email");
  await ownerPage.getByRole("button", { name: "Send invitation" }).click();
  await expect(ownerPage.getByText("Enter a valid email address")).toBeVisible();
  await expect(invitations.getByRole("row")).toHaveCount(2); // header + one invitation

  // 2. The teammate opens the link from the mailbox (sent by the worker) and creates an account.
  const mate = await browser.newContext();
  const matePage = await mate.newPage();
  let link: string | undefined;
  await expect(async () => {
    await matePage.goto("/dev/mailbox");
    const mail = matePage.getByRole("article", { name: `Join ${shopName} on Souk` }).filter({ hasText: teammate }).first();
    link = (await mail.getByRole("link").first().getAttribute("href")) ?? undefined;
    expect(link).toContain("/invite?token=");
  }).toPass({ timeout: 30_000 });
  const target = new URL(link!);
  await matePage.goto(target.pathname + target.search);
  await expect(matePage.getByText(`Join ${shopName}`).first()).toBeVisible();
  await matePage.getByLabel("Your name").fill("Max Mate");
  await matePage.getByLabel("Password").fill(PASSWORD);
  await matePage.getByRole("button", { name: "Create account and join" }).click();
  await expect(matePage).toHaveURL(new RegExp(`/dashboard/${slug}$`));

  // 3. As the new member: the team shows them as a member, without the owner's controls.
  await matePage.goto(`/dashboard/${slug}/team`);
  const members = matePage.getByTestId("team-members");
  await expect(members.getByRole("row", { name: /Max Mate/ })).toContainText("member");
  await expect(members.getByRole("row", { name: /Tara Owner/ })).toContainText("owner");
  await expect(matePage.getByRole("button", { name: "Send invitation" })).toHaveCount(0);
  await expect(matePage.getByRole("button", { name: /Remove/ })).toHaveCount(0);
  // A member edits the catalog.
  const productName = unique("Team product");
  await matePage.goto(`/dashboard/${slug}/catalog/new`);
  await matePage.getByLabel("Name").fill(productName);
  await matePage.getByLabel("Price").fill("9.5");
  await matePage.getByRole("button", { name: "Create product" }).click();
  await expect(matePage).toHaveURL(new RegExp(`/dashboard/${slug}/catalog/[0-9a-f-]{36}$`));

  // 4. The link was single use; the owner sees the new member and no pending invitation.
  await matePage.goto(target.pathname + target.search);
  await expect(matePage.getByText("This invitation has already been used.")).toBeVisible();
  await ownerPage.reload();
  await expect(ownerPage.getByTestId("team-members").getByRole("row", { name: /Max Mate/ })).toBeVisible();
  await expect(ownerPage.getByText("No pending invitations.")).toBeVisible();

  // 5. The owner removes the member, after confirming; the member loses access.
  await ownerPage.getByRole("button", { name: "Remove Max Mate" }).click();
  await ownerPage.getByRole("button", { name: "Confirm remove" }).click();
  await expect(ownerPage.getByTestId("team-members").getByRole("row", { name: /Max Mate/ })).toHaveCount(0);
  await matePage.goto(`/dashboard/${slug}/team`);
  await expect(matePage.getByRole("heading", { name: "Page not found" })).toBeVisible();

  await owner.close();
  await mate.close();
});
