// The identity-across-time scenario (issue 15), shared by the /api/v1 and AuthZEN tests: Alice joins
// Legal (which may edit the leases) 10 days ago, is deleted 5 days ago, and 2 days ago a new person
// gets the same userName, with no groups. History is written on a back-dated clock.
import { runAt } from "@/lib/clock";
import { newWorld } from "./access-world";

const DAY = 86_400_000;
export const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

export async function reusedUserName() {
  const { w, oldAlice, contract } = await runAt(daysAgo(10), async () => {
    const w = await newWorld();
    const oldAlice = await w.user("alice");
    const legal = await w.group("legal", [oldAlice]);
    const repo = await w.repository("leases");
    const contract = await w.contract(repo);
    await w.rule({ groupId: legal, level: "edit", repositoryId: repo });
    return { w, oldAlice, contract };
  });
  await runAt(daysAgo(5), () => w.removeUser(oldAlice));
  const newAlice = await runAt(daysAgo(2), () => w.user("alice"));
  return { w, oldAlice, newAlice, contract, userName: `alice-${w.tag}@example.com` };
}
