// Badge colour per actor type, shared by the list and the event page.
export function actorTone(actorType: string): "blue" | "gray" | "amber" | "green" {
  return actorType === "directory" ? "blue" : actorType === "api" ? "green" : actorType === "system" ? "amber" : "gray";
}
