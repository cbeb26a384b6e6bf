import { createRequire } from "node:module";
import { SwitchyardError } from "../../core/errors.js";
import type { ProviderContext } from "../contract.js";
import type { BedrockConfig } from "./config.js";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialSource = () => Promise<AwsCredentials>;

// The AWS SDK's provider chain loads only for a Bedrock provider that needs it.
const require = createRequire(import.meta.url);

/** Reads an `env:NAME` location, treating an unset variable as absent rather than an error. */
function optionalSecret(context: ProviderContext, reference: string): string | undefined {
  try {
    return context.resolveSecret(reference);
  } catch {
    return undefined;
  }
}

/** Config keys, then the standard environment variables, then the AWS SDK's default provider chain. */
export function credentialSource(name: string, config: BedrockConfig, context: ProviderContext): CredentialSource {
  if (config.access_key_id !== undefined && config.secret_access_key !== undefined) {
    const fixed: AwsCredentials = {
      accessKeyId: required(context.resolveSecret(config.access_key_id), name, "access_key_id"),
      secretAccessKey: required(context.resolveSecret(config.secret_access_key), name, "secret_access_key"),
      sessionToken: config.session_token === undefined ? undefined : context.resolveSecret(config.session_token),
    };
    return async () => fixed;
  }
  const accessKeyId = optionalSecret(context, "env:AWS_ACCESS_KEY_ID");
  const secretAccessKey = optionalSecret(context, "env:AWS_SECRET_ACCESS_KEY");
  if (config.profile === undefined && accessKeyId && secretAccessKey) {
    const fixed: AwsCredentials = { accessKeyId, secretAccessKey, sessionToken: optionalSecret(context, "env:AWS_SESSION_TOKEN") };
    return async () => fixed;
  }
  const { defaultProvider } = require("@aws-sdk/credential-provider-node") as typeof import("@aws-sdk/credential-provider-node");
  const chain = defaultProvider(config.profile === undefined ? {} : { profile: config.profile });
  return async () => {
    try {
      return await chain();
    } catch (error) {
      throw new SwitchyardError("SWY_ERR_UPSTREAM_AUTH", `${name}: no AWS credentials found (${(error as Error).message})`, {
        cause: error,
      });
    }
  };
}

export function resolveRegion(name: string, config: BedrockConfig, context: ProviderContext): string {
  const region = config.region ?? optionalSecret(context, "env:AWS_REGION") ?? optionalSecret(context, "env:AWS_DEFAULT_REGION");
  if (!region) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `${name}: set region (or AWS_REGION) for Bedrock`);
  }
  return region;
}

function required(value: string | undefined, name: string, key: string): string {
  if (!value) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `${name}: ${key} resolved to an empty value`);
  return value;
}
