/** A `datetime-local` field's value (local time) as the ISO 8601 instant the audit APIs take. */
export function isoFromLocal(value: string): string | undefined {
  if (value === "") return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

export const shortTime = (iso: string) => iso.replace("T", " ").slice(0, 19);
