/**
 * A prompt-injection heuristic for text the model did not get from the user: tool results and
 * retrieved documents. It scores 0..1 from weighted signals (instructions aimed at the model,
 * role-switch markers, exfiltration links, hidden characters); it is a tripwire, not a classifier,
 * and paraphrased or non-English attacks can score low.
 */

interface Signal {
  name: string;
  pattern: RegExp;
  weight: number;
}

const SIGNALS: Signal[] = [
  { name: "ignore-instructions", weight: 0.6, pattern: /\b(?:ignore|disregard|forget|override)\b[^.\n]{0,40}\b(?:previous|prior|above|earlier|all|any|your|the system)\b[^.\n]{0,30}\b(?:instructions?|prompts?|rules|directions|guidelines|context)\b/i },
  { name: "new-instructions", weight: 0.35, pattern: /\b(?:new|updated|real|actual|important)\s+(?:instructions?|task|system prompt)\s*[:-]/i },
  { name: "role-reassignment", weight: 0.35, pattern: /\byou are (?:now|no longer)\b|\bfrom now on,? you\b|\bact as (?:an? )?(?:unrestricted|jailbroken|different)\b|\bpretend (?:to be|you are)\b/i },
  { name: "jailbreak-terms", weight: 0.45, pattern: /\b(?:developer mode|DAN mode|do anything now|jailbreak|without (?:any )?restrictions)\b/i },
  { name: "prompt-exfiltration", weight: 0.45, pattern: /\b(?:reveal|print|repeat|show|output|leak)\b[^.\n]{0,30}\b(?:system prompt|your (?:instructions|prompt|rules)|hidden prompt)\b/i },
  { name: "role-markers", weight: 0.4, pattern: /<\|im_start\|>|<\|system\|>|\[\/?INST\]|<<SYS>>|^\s*#{2,}\s*(?:system|assistant)\s*:?\s*$|^\s*(?:system|assistant)\s*:/im },
  { name: "tool-hijack", weight: 0.35, pattern: /\b(?:call|invoke|use|run)\s+the\s+[\w-]+\s+(?:tool|function)\b[^.\n]{0,60}\b(?:send|email|post|upload|delete|transfer)\b/i },
  { name: "exfiltration-link", weight: 0.4, pattern: /!\[[^\]]*\]\(https?:\/\/[^)\s]+[?&][\w-]+=[^)\s]*\)|\b(?:send|post|forward|upload)\b[^.\n]{0,40}\b(?:to|at)\s+https?:\/\//i },
  { name: "secrecy", weight: 0.25, pattern: /\b(?:do not|don't|never)\s+(?:tell|inform|mention|reveal (?:this )?to)\s+the\s+user\b/i },
  { name: "hidden-characters", weight: 0.3, pattern: /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u{E0000}-\u{E007F}]/u },
];

export interface InjectionScore {
  /** 0..1: one minus the product of (1 - weight) over the signals that fired. */
  score: number;
  signals: string[];
}

export function scoreInjection(text: string): InjectionScore {
  let keep = 1;
  const signals: string[] = [];
  for (const signal of SIGNALS) {
    if (signal.pattern.test(text)) {
      keep *= 1 - signal.weight;
      signals.push(signal.name);
    }
  }
  return { score: Math.round((1 - keep) * 1000) / 1000, signals };
}
