// The configured target policy (WEBHOOK_ALLOW_PRIVATE_TARGETS), parsed once per value.
import { getConfig } from "@/lib/config";
import { parseTargetPolicy, type TargetPolicy } from "./targets";

let cached: { value: string | undefined; policy: TargetPolicy } | undefined;

export function configuredTargetPolicy(): TargetPolicy {
  const value = getConfig().WEBHOOK_ALLOW_PRIVATE_TARGETS;
  if (!cached || cached.value !== value) cached = { value, policy: parseTargetPolicy(value) };
  return cached.policy;
}
