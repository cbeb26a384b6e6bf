import { z } from "zod";
import { policyLayerSchema } from "../../guardrails/config.js";

const parametersSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().min(0).max(1).optional(),
    max_tokens: z.number().int().min(1).optional(),
    stop: z.array(z.string()).max(4).optional(),
    seed: z.number().int().optional(),
  })
  .strict();

const variantSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    model: z.string().min(1),
    weight: z.number().min(0).default(1),
    system_prompt: z.string().optional(),
    parameters: parametersSchema.optional(),
  })
  .strict();

/** One version of a named deployment: what a call to the name turns into. */
export const deploymentSpecSchema = z
  .object({
    description: z.string().optional(),
    /** The model when there are no variants: any public name, `provider/model`, or an `ft:` model. */
    model: z.string().min(1).optional(),
    /** Prepended as a system message; `{{name}}` placeholders are filled from variables. */
    system_prompt: z.string().optional(),
    /** Defaults for placeholders; a request overrides them with the `x-switchyard-variables` JSON header. */
    variables: z.record(z.string(), z.string()).default({}),
    /** Defaults for sampling parameters the request leaves unset. */
    parameters: parametersSchema.default({}),
    /** A/B variants, chosen by weight (sticky per `user` when the request names one). */
    variants: z.array(variantSchema).min(1).optional(),
    /** A knowledge base id (`kb_...`): its chunks nearest the last user message ground every answer. */
    knowledge_base: z.string().min(1).optional(),
    /** Guardrail actions for calls to this name (`input`/`output` maps by category), over the global and `models.<name>` ones. */
    guardrails: policyLayerSchema.optional(),
  })
  .strict()
  .refine((spec) => (spec.model !== undefined) !== (spec.variants !== undefined), { message: "give either `model` or `variants`" })
  .refine((spec) => !spec.variants || spec.variants.some((variant) => variant.weight > 0), { message: "at least one variant needs a weight above 0" });

export type DeploymentSpec = z.infer<typeof deploymentSpecSchema>;
export type DeploymentParameters = z.infer<typeof parametersSchema>;

export const deploymentNameSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, "letters, digits, . _ : - only");
