/** A conversation handed to the playground by another page ("open in playground"), read once. */
export interface PlaygroundDraft {
  model: string;
  system: string;
  prompt: string;
  /** A second model for the next column, side by side with `model` (e.g. a fine-tune and its base). */
  compare?: string;
}

const DRAFT_STORAGE = "switchyard.playgroundDraft";

export function savePlaygroundDraft(draft: PlaygroundDraft): void {
  sessionStorage.setItem(DRAFT_STORAGE, JSON.stringify(draft));
}

/** Reads the draft without using it up (React may run an initializer twice); `clearPlaygroundDraft` after. */
export function peekPlaygroundDraft(): PlaygroundDraft | undefined {
  const text = sessionStorage.getItem(DRAFT_STORAGE);
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as PlaygroundDraft;
  } catch {
    return undefined;
  }
}

export function clearPlaygroundDraft(): void {
  sessionStorage.removeItem(DRAFT_STORAGE);
}
