// The configured target policy (WEBHOOK_ALLOW_PRIVATE_TARGETS), parsed once per value.
import { getConfig, parseTargetPolicy, type TargetPolicy } from "@/lib/config";

let cached: { value: string | undefined; policy: TargetPolicy } | undefined;

export function configuredTargetPolicy(): TargetPolicy {
  const value = getConfig().WEBHOOK_ALLOW_PRIVATE_TARGETS;
  if (!cached || cached.value !== value) cached = { value, policy: parseTargetPolicy(value) };
  return cached.policy;
}
