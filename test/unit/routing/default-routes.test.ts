import { countryTopic, TOPICS } from '../../../src/contract/topic-names';
import type { Identity } from '../../../src/identity/identity';
import { MESSAGE_TYPES } from '../../../src/core/routing';
import {
  Channel,
  DEFAULT_RULES,
  ncb,
  route,
  secretariat,
  system,
  to,
  toChannel,
  topicsOf,
  wg,
} from './routing-fixtures';
import type { Destination } from '../../../src/contract/generated/intelroute/v1/envelope';

const { secretariat: SEC, workingGroup: WG, broadcast: ALL, contactPointDirectory: DIR } = TOPICS;

interface Case {
  readonly type: string;
  readonly from: Identity;
  readonly destinations: readonly Destination[];
  readonly expected: readonly string[];
}

// One row per DOMAIN.md default route; `expected` is the exact set of topics written.
const CASES: readonly Case[] = [
  {
    type: 'online-vendor-report',
    from: ncb('FR'),
    destinations: [to('DE'), to('BR')],
    expected: [countryTopic('DE'), countryTopic('BR'), SEC, WG],
  },
  { type: 'online-vendor-report', from: ncb('FR'), destinations: [], expected: [SEC, WG] },
  {
    type: 'seizure-report',
    from: ncb('FR'),
    destinations: [to('DE')],
    expected: [countryTopic('DE'), SEC],
  },
  { type: 'seizure-report', from: ncb('FR'), destinations: [], expected: [SEC] },
  {
    type: 'information-request',
    from: ncb('FR'),
    destinations: [to('DE'), to('US')],
    expected: [countryTopic('DE'), countryTopic('US')],
  },
  {
    type: 'information-request',
    from: ncb('FR'),
    destinations: [toChannel(Channel.CHANNEL_SECRETARIAT)],
    expected: [SEC],
  },
  {
    type: 'information-response',
    from: ncb('DE'),
    destinations: [to('FR')],
    expected: [countryTopic('FR')],
  },
  { type: 'contact-point-update', from: ncb('FR'), destinations: [], expected: [SEC, DIR] },
  { type: 'training-event', from: ncb('FR'), destinations: [], expected: [ALL] },
  {
    type: 'training-event',
    from: secretariat(),
    destinations: [toChannel(Channel.CHANNEL_BROADCAST)],
    expected: [ALL],
  },
  { type: 'working-group-contribution', from: wg('NG'), destinations: [], expected: [WG, SEC] },
  {
    type: 'working-group-contribution',
    from: wg('NG'),
    destinations: [toChannel(Channel.CHANNEL_WORKING_GROUP)],
    expected: [WG, SEC],
  },
  {
    type: 'link-alert',
    from: system(),
    destinations: [to('FR'), to('BR')],
    expected: [countryTopic('FR'), countryTopic('BR'), SEC],
  },
];

describe('default routes (config/routing.yaml)', () => {
  test.each(CASES.map((row) => [row.type, row.destinations.length, row] as const))(
    '%s with %i destination(s) lands in exactly the expected topics',
    (_type, _count, row) => {
      const decision = route({ type: row.type, from: row.from, destinations: row.destinations });
      expect(topicsOf(decision)).toEqual([...row.expected].sort());
    },
  );

  it('has a routing rule for every v1 message type', () => {
    const covered = new Set(DEFAULT_RULES.rules.flatMap((rule) => rule.match.messageTypes ?? []));
    expect([...covered].sort()).toEqual([...MESSAGE_TYPES].sort());
  });

  it('names the rule and says why each topic is written', () => {
    const decision = route({ type: 'seizure-report', destinations: [to('DE')] });
    expect(decision).toMatchObject({
      kind: 'routed',
      ruleId: 'seizure-report',
      routes: [
        { topic: countryTopic('DE'), reason: 'destination', field: 'destinations[0]' },
        { topic: SEC, reason: 'seizure-report' },
      ],
      notTaken: [],
    });
  });

  it.each(['information-request', 'information-response'])(
    'refuses a %s without destination (DESTINATION_REQUIRED)',
    (type) => {
      expect(route({ type, destinations: [] })).toMatchObject({
        kind: 'refused',
        reason: 'DESTINATION_REQUIRED',
        field: 'destinations',
        ruleId: expect.stringMatching(/^information-(request|response)-without-/),
      });
    },
  );

  // The first destination is a channel the rule reaches anyway (accepted), the second is not.
  it.each([
    ['contact-point-update', Channel.CHANNEL_SECRETARIAT, to('DE')],
    ['contact-point-update', Channel.CHANNEL_SECRETARIAT, toChannel(Channel.CHANNEL_WORKING_GROUP)],
    ['training-event', Channel.CHANNEL_BROADCAST, to('DE')],
    ['working-group-contribution', Channel.CHANNEL_WORKING_GROUP, to('DE')],
  ] as const)(
    'refuses a %s naming a destination its rule does not route',
    (type, accepted, refused) => {
      const decision = route({ type, destinations: [toChannel(accepted), refused] });
      expect(decision).toMatchObject({
        kind: 'refused',
        reason: 'DESTINATION_REQUIRED',
        field: 'destinations[1]',
      });
    },
  );
});
