// A wall's acknowledgment reminder reaches the people who owe it by e-mail when SMTP is set: queued
// in the reminder's transaction, delivered by the e-mail dispatcher to a real SMTP receiver.
import { describe, expect, it } from "vitest";
import { runEmailDeliveriesOnce } from "@/lib/notifications/dispatcher";
import { admin, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { smtpReceiverForFile } from "@/lib/testing/smtp-receiver";
import { activateWall, createWall, remindWallAcknowledgments } from "./service";

const { db } = setupTestDatabase();
const smtp = smtpReceiverForFile("Custodian <walls@example.test>");

describe("wall acknowledgment reminders by e-mail", () => {
  it("mails each insider who has not acknowledged, naming the wall and the gate, and nobody else", async () => {
    const prisma = db().prisma;
    const w = await newWorld();
    const [ann, ben, cy] = [await w.user("ann"), await w.user("ben"), await w.user("cy")];
    for (const [id, email] of [[ann, `ann-${w.tag}@mail.example`], [ben, `ben-${w.tag}@mail.example`], [cy, `cy-${w.tag}@mail.example`]]) {
      await prisma.user.update({ where: { id }, data: { primaryEmail: email } });
    }
    const repo = await w.repository("bid");
    const wall = await createWall(prisma, {
      input: { name: `Bid team ${w.tag}`, matterRef: "M-7", description: "Bid team only.", kind: "inclusionary", requiresAcknowledgment: true, members: [{ userId: ann }, { userId: ben }], scope: [{ kind: "repository", value: repo }] },
      actor: admin,
    });
    await activateWall(prisma, { id: wall.id, input: { reason: "Bid opened" }, actor: admin });

    expect(await remindWallAcknowledgments(prisma, { id: wall.id, actor: admin })).toEqual({ reminded: 2 });
    await runEmailDeliveriesOnce(prisma);

    for (const name of ["ann", "ben"]) {
      const [mail] = smtp().to(`${name}-${w.tag}@mail.example`);
      expect(mail.subject).toBe(`Please acknowledge the ethical wall "Bid team ${w.tag}" (M-7)`);
      expect(mail.text).toContain("withheld until you acknowledge");
      expect(mail.text).toContain("/walls");
    }
    expect(smtp().to(`cy-${w.tag}@mail.example`)).toHaveLength(0);
  });
});
