export interface CleanTextLine {
  startSeconds: number;
  endSeconds: number;
  name: string;
  text: string;
}

/**
 * The transcript's `cleanText`: one `[MM:SS - MM:SS] Name: text`
 * line per segment. Minutes run past 59 rather than adding hours.
 */
export function renderCleanText(lines: readonly CleanTextLine[]): string {
  return lines
    .map((l) => `[${clockTime(l.startSeconds)} - ${clockTime(l.endSeconds)}] ${l.name}: ${l.text}`)
    .join('\n');
}

export function clockTime(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  return `${String(minutes).padStart(2, '0')}:${String(rest).padStart(2, '0')}`;
}
