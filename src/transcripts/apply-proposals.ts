import type { Confidence } from './transcript-document.ts';
import { markAmbiguous, type Proposal, type Resolution } from './speaker-resolution-state.ts';

/**
 * Applies one rule's proposals. Evidence that contradicts itself (two speakers
 * claimed as the user, one speaker claimed as both) or an earlier rule is
 * dropped and reported, never settled by picking one.
 */
export function applyProposals(r: Resolution, proposals: Proposal[]): void {
  const fresh: Proposal[] = [];
  for (const proposal of proposals) {
    const existing = r.identities.get(proposal.speakerId);
    if (!existing) fresh.push(proposal);
    else if (existing.role !== proposal.role) markAmbiguous(r, []);
  }
  const rolesBySpeaker = groupRoles(
    fresh,
    (p) => p.speakerId,
    (p) => p.role,
  );
  const speakersByRole = groupRoles(
    fresh,
    (p) => p.role,
    (p) => p.speakerId,
  );
  const takenRoles = new Set([...r.identities.values()].map((i) => i.role));
  const conflicting = fresh.filter(
    (p) => rolesBySpeaker.get(p.speakerId)!.size > 1 || speakersByRole.get(p.role)!.size > 1 || takenRoles.has(p.role),
  );
  if (conflicting.length > 0)
    markAmbiguous(
      r,
      conflicting.map((p) => p.speakerId),
    );
  const accepted = fresh.filter((p) => !conflicting.includes(p));
  for (const proposal of strongestPerSpeaker(accepted)) {
    const { speakerId, uses, ...identity } = proposal;
    r.identities.set(speakerId, identity);
    r.ambiguous.delete(speakerId);
    for (const person of uses) r.used[person === 'USER' ? 'user' : 'contact'] = true;
    if (identity.displayName && identity.displayName === r.people[identity.role].displayName) {
      r.used[identity.role === 'USER' ? 'user' : 'contact'] = true;
    }
  }
}

function groupRoles<K, V>(proposals: Proposal[], key: (p: Proposal) => K, value: (p: Proposal) => V): Map<K, Set<V>> {
  const groups = new Map<K, Set<V>>();
  for (const p of proposals) {
    const group = groups.get(key(p)) ?? new Set<V>();
    group.add(value(p));
    groups.set(key(p), group);
  }
  return groups;
}

const CONFIDENCE_RANK: Record<Confidence, number> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

/** Proposals arrive in time order; a speaker keeps the most confident, earliest one. */
function strongestPerSpeaker(proposals: Proposal[]): Proposal[] {
  const best = new Map<string, Proposal>();
  for (const p of proposals) {
    const current = best.get(p.speakerId);
    if (!current || CONFIDENCE_RANK[p.confidence] > CONFIDENCE_RANK[current.confidence]) best.set(p.speakerId, p);
  }
  return [...best.values()];
}
