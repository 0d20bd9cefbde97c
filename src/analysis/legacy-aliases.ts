type Json = Record<string, unknown>;

/**
 * Adds the legacy keys older clients read — `shortSummary`, `detailedSummary`,
 * `keyPoints` — to a current analysis, only when the new fields exist.
 * Legacy-shaped documents and unknown keys pass through untouched.
 */
export function withLegacyAliases(document: unknown): unknown {
  if (!document || typeof document !== 'object' || Array.isArray(document)) return document;
  const doc = document as Json;
  const aliased: Json = { ...doc };
  if (typeof doc.oneLineSummary === 'string' && !('shortSummary' in doc)) aliased.shortSummary = doc.oneLineSummary;
  if (typeof doc.executiveSummary === 'string' && !('detailedSummary' in doc))
    aliased.detailedSummary = doc.executiveSummary;
  if (Array.isArray(doc.sections) && !('keyPoints' in doc)) aliased.keyPoints = highImportanceItems(doc.sections);
  return aliased;
}

function highImportanceItems(sections: unknown[]): string[] {
  const points: string[] = [];
  for (const section of sections) {
    const items = (section as { items?: unknown })?.items;
    if (!Array.isArray(items)) continue;
    for (const item of items) {
      const { importance, text } = (item ?? {}) as { importance?: unknown; text?: unknown };
      if (importance === 'high' && typeof text === 'string') points.push(text);
    }
  }
  return points;
}
