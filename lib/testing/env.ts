// Tests that change a setting: set (or, with undefined, remove) environment variables, reload the
// validated configuration, and get back a function that puts the previous values back.
import { resetConfigForTests } from "../config";

export function withEnv(vars: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetConfigForTests();
  };
  apply(vars);
  return () => apply(previous);
}
