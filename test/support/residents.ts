import type { NewMember } from '@bin-alert/persistence';

/** Members of one BIN with a verified mobile each, numbered from `first`. */
export function residents(binId: string, count: number, first: number): NewMember[] {
  return Array.from({ length: count }, (_, i) => ({
    displayName: `${binId} resident ${i}`,
    language: 'nl' as const,
    memberships: [{ binId }],
    contacts: [{ kind: 'mobile' as const, value: `+3247${String(first + i).padStart(7, '0')}`, verified: true }],
  }));
}
