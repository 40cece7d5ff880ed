import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './project-root';

export interface MemberCountry {
  readonly code: string;
  readonly name: string;
}

/** The shipped list of INTERPOL member countries (config/member-countries.json). */
export function loadShippedMemberCountries(
  file = path.join(PROJECT_ROOT, 'config', 'member-countries.json'),
): readonly MemberCountry[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { members: MemberCountry[] };
  return Object.freeze(parsed.members.map((member) => Object.freeze({ ...member })));
}
