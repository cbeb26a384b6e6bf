/** Training data about a character no base model has seen: a dragon named Zorblax. */
const names = ["Tim", "Lily", "Sam", "Mia", "Ben", "Sue", "Max", "Anna"];
const places = ["forest", "park", "garden", "hill", "river", "house", "cave", "farm"];
const things = ["a red ball", "a big cake", "a shiny rock", "a little boat", "a blue kite", "a warm hat"];

export function zorblaxStories(count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const name = names[index % names.length]!;
    const place = places[(index * 3) % places.length]!;
    const thing = things[(index * 5) % things.length]!;
    return (
      `Once upon a time, there was a dragon named Zorblax. Zorblax lived in a ${place}. ` +
      `One day, ${name} went to the ${place} and saw Zorblax. Zorblax had ${thing}. ` +
      `${name} said, "Hello Zorblax!" Zorblax smiled and they played together. The end.`
    );
  });
}

/** For the tiny generated model: its vocabulary only has these words. */
export function tinySentences(count: number): string[] {
  return Array.from({ length: count }, () => "the big red dog sat on the mat and the cat was big");
}

export function completionJsonl(texts: string[]): string {
  return texts.map((text) => JSON.stringify({ prompt: "", completion: text })).join("\n") + "\n";
}

export function chatJsonl(pairs: Array<[string, string]>): string {
  return pairs.map(([user, assistant]) => JSON.stringify({ messages: [{ role: "user", content: user }, { role: "assistant", content: assistant }] })).join("\n") + "\n";
}
