import { StateKey } from "../../gateway/state.js";

/**
 * Set by the deployment middleware before it rewrites the request: the public name the client called
 * (per-deployment guardrail policies and log settings are looked up by it) and how many messages the
 * deployment put in front of the client's (so errors name the client's own message indices).
 */
export interface DeploymentCall {
  name: string;
  prependedMessages: number;
}

export const deploymentCallKey = new StateKey<DeploymentCall>("deployments.call");
