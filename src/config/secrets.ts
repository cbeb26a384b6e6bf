import { SwitchyardError } from "../core/errors.js";

/** Resolves `env:NAME` and `none`; a plain string is a literal value. Never logs the value. */
export function createSecretResolver(env: NodeJS.ProcessEnv) {
  return (reference: string | undefined): string | undefined => {
    if (reference === undefined || reference === "none" || reference === "") return undefined;
    if (reference.startsWith("env:")) {
      const name = reference.slice(4);
      const value = env[name];
      if (value === undefined || value === "") {
        throw new SwitchyardError("SWY_ERR_INTERNAL", `environment variable ${name} is not set`);
      }
      return value;
    }
    return reference;
  };
}
