import { defaultInputPolicy, defaultOutputPolicy, type GuardrailsConfig, type InputAction, type OutputAction, type PolicyLayer } from "./config.js";
import { mergeLayers, strictest } from "./policy.js";

export interface PolicySubject {
  keyId: string;
  projectId?: string;
  /** The public model name the client asked for. */
  model: string;
}

export interface ProviderInfo {
  name: string;
  local?: boolean;
}

/**
 * Turns the layered config into one action per category for a request.
 * Precedence, general to specific: built-in defaults, `input`/`output`, `models.<name>`, the
 * deployment's own `guardrails` (a deployment is a public model name), `projects.<id>`, `keys.<id>`,
 * then `providers.<name>` (what may reach that provider).
 */
export class PolicyResolver {
  constructor(
    private readonly config: GuardrailsConfig,
    private readonly categories: readonly string[],
    /** The policy a deployment of this public name carries, if any. */
    private readonly deploymentLayer: (model: string) => PolicyLayer | undefined = () => undefined,
  ) {}

  isExempt(provider: ProviderInfo): boolean {
    return this.config.providers[provider.name]?.exempt ?? (provider.local === true && this.config.exempt_local_providers);
  }

  /**
   * The input policy for a request that may reach any of `providers` (its fallback routes).
   * Each provider gets its own policy and the strictest wins, because a fallback can send the
   * same masked request to any of them; exempt providers contribute `allow` only.
   */
  input(subject: PolicySubject, providers: readonly ProviderInfo[] = []): Map<string, InputAction> {
    const base = [
      defaultInputPolicy,
      this.config.input,
      this.config.models[subject.model]?.input,
      this.deploymentLayer(subject.model)?.input,
      subject.projectId === undefined ? undefined : this.config.projects[subject.projectId]?.input,
      this.config.keys[subject.keyId]?.input,
    ];
    if (providers.length === 0) return mergeLayers(this.categories, base);
    const perProvider = providers.map((provider) =>
      this.isExempt(provider)
        ? new Map<string, InputAction>()
        : mergeLayers(this.categories, [...base, this.config.providers[provider.name]?.input]),
    );
    return strictest(perProvider);
  }

  /** The output policy once the answering provider is known. */
  output(subject: PolicySubject, provider?: string): Map<string, OutputAction> {
    return mergeLayers(this.categories, [
      defaultOutputPolicy,
      this.config.output,
      this.config.models[subject.model]?.output,
      this.deploymentLayer(subject.model)?.output,
      subject.projectId === undefined ? undefined : this.config.projects[subject.projectId]?.output,
      this.config.keys[subject.keyId]?.output,
      provider === undefined ? undefined : this.config.providers[provider]?.output,
    ]);
  }
}
