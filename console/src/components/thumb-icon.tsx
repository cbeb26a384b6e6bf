/** A thumb drawn inline: emoji need a color-emoji font, which many Linux desktops and servers lack. */
export function ThumbIcon({ down = false }: { down?: boolean }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" transform={down ? "rotate(180)" : undefined}>
      <path d="M7 10v11H3V10h4zM7 10l4-8a3 3 0 0 1 3 3v4h5.5a2 2 0 0 1 2 2.3l-1.4 8a2 2 0 0 1-2 1.7H7" fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" />
    </svg>
  );
}
