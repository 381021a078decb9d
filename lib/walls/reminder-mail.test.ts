import { describe, expect, it } from "vitest";
import { wallReminderMessages } from "./reminder-mail";

describe("wall reminder e-mail", () => {
  it("one message per person with an address, naming the wall and the gate, on one subject line", () => {
    const messages = wallReminderMessages({
      wall: { name: "Project\nFalcon", matterRef: "M-1", gatesAccess: true },
      people: [{ userId: "u1", email: "ann@example.com" }, { userId: "u2", email: null }],
      link: "https://custodian.example/walls",
    });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ kind: "wall.acknowledgment_reminder", recipientId: "u1", to: "ann@example.com", subject: 'Please acknowledge the ethical wall "Project Falcon" (M-1)' });
    expect(messages[0].body).toContain("withheld until you acknowledge");
    expect(messages[0].body).toContain("https://custodian.example/walls");
    expect(wallReminderMessages({ wall: { name: "W", matterRef: null, gatesAccess: false }, people: [{ userId: "u1", email: "a@b.c" }], link: "x" })[0].body).not.toContain("withheld");
  });
});
