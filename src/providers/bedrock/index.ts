import { defineProvider } from "../contract.js";
import { bedrockConfigSchema } from "./config.js";
import { credentialSource, resolveRegion } from "./credentials.js";
import { createBedrockProvider } from "./provider.js";
import { createSigner } from "./signer.js";

/** Amazon Bedrock through the Converse API, SigV4-signed. */
export const bedrockProvider = defineProvider({
  type: "bedrock",
  configSchema: bedrockConfigSchema,
  create(name, config, context) {
    const region = resolveRegion(name, config, context);
    const endpoint = (config.base_url ?? `https://bedrock-runtime.${region}.amazonaws.com`).replace(/\/+$/, "");
    return createBedrockProvider({
      name,
      endpoint,
      sign: createSigner(region, credentialSource(name, config, context)),
      headers: config.headers,
      models: config.models,
    });
  },
});
