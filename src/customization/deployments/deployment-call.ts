import { StateKey } from "../../gateway/state.js";

/**
 * Set by the deployment middleware before it rewrites the request: the public name the client called
 * (per-deployment guardrail policies and log settings are looked up by it) and how many messages the
 * deployment put in front of the client's (so errors name the client's own message indices).
 */
export interface DeploymentCall {
  name: string;
  prependedMessages: number;
  /** `name@vVERSION` and `:VARIANT` when an A/B variant answered: usage rows carry it, so ratings group per variant. */
  label?: string;
}

export const deploymentCallKey = new StateKey<DeploymentCall>("deployments.call");
