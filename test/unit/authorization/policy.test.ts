import { loadPublishPolicy } from '../../../src/core/authorization';
import { isIntelrouteError, type IntelrouteError } from '../../../src/core/errors';
import { MESSAGE_TYPES } from '../../../src/core/routing';
import { POLICY } from './authorization-fixtures';

function problemsOf(text: string): string[] {
  try {
    loadPublishPolicy(text);
  } catch (error) {
    expect(isIntelrouteError(error, 'POLICY_INVALID')).toBe(true);
    return (error as IntelrouteError).details.problems as string[];
  }
  throw new Error('expected loadPublishPolicy to throw');
}

describe('publish policy (config/policy.yaml)', () => {
  it("ships DOMAIN.md's actors table", () => {
    const intelligence = [
      'online-vendor-report',
      'seizure-report',
      'information-request',
      'information-response',
    ];
    expect([...POLICY.publish.ncb].sort()).toEqual(
      MESSAGE_TYPES.filter(
        (type) => type !== 'link-alert' && type !== 'request-overdue-notice',
      ).sort(),
    );
    expect([...POLICY.publish.agency].sort()).toEqual(intelligence.sort());
    expect([...POLICY.publish.secretariat].sort()).toEqual([...MESSAGE_TYPES].sort());
    expect(POLICY.publish.wg).toEqual(['working-group-contribution']);
    expect(POLICY.publish.ops).toEqual([]);
    expect(POLICY.publish.system).toEqual(['link-alert', 'request-overdue-notice']);
    expect(Object.isFrozen(POLICY.publish.ncb)).toBe(true);
  });

  it('lists every problem: missing roles, unknown roles and types, operators publishing', () => {
    expect(
      problemsOf(`
version: 1
publish:
  ncb: [seizure-report, rumour]
  agency: []
  secretariat: []
  ops: [seizure-report]
  admin: []
`),
    ).toEqual([
      "/publish: must have required property 'wg'",
      "/publish: must have required property 'system'",
      '/publish: must NOT have additional properties "admin"',
      expect.stringMatching(/^\/publish\/ncb\/1: must be equal to one of the allowed values/),
      '/publish/ops: must NOT have more than 0 items',
    ]);
  });
});
