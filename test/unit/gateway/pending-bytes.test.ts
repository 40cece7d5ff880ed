import fc from 'fast-check';
import {
  MESSAGE_OVERHEAD_BYTES,
  PAYLOAD_COPIES,
  PendingBytes,
} from '../../../src/gateway/grpc/pending-bytes';

const MiB = 1_048_576;
/** What a message with a 1 MiB payload is counted as. */
const ONE = PAYLOAD_COPIES * MiB + MESSAGE_OVERHEAD_BYTES;

describe('PendingBytes', () => {
  it('holds an identity back at its own limit, and lets it on once a message is answered', () => {
    const pending = new PendingBytes({ total: 100 * MiB, perIdentity: 2 * ONE });
    const first = pending.add('FR', MiB);
    expect(first).toBe(ONE);
    expect(pending.hasRoom('FR')).toBe(true);
    pending.add('FR', MiB);
    expect(pending.hasRoom('FR')).toBe(false);
    expect(pending.hasRoom('DE')).toBe(true);
    pending.remove('FR', first);
    expect(pending.hasRoom('FR')).toBe(true);
    expect(pending.heldBy('FR')).toBe(ONE);
    expect(pending.heldBy()).toBe(ONE);
  });

  it('when full as a whole, holds back only identities above an eighth of their own limit', () => {
    const pending = new PendingBytes({ total: 4 * ONE, perIdentity: 8 * ONE });
    for (let i = 0; i < 4; i += 1) pending.add('FR', MiB);
    expect(pending.hasRoom('FR')).toBe(false); // 4 of its 8, the gateway full
    expect(pending.hasRoom('DE')).toBe(true); // nothing held: a light sender reads on
    pending.add('DE', 0);
    expect(pending.hasRoom('DE')).toBe(true); // still under its reserved eighth
    pending.add('DE', MiB);
    expect(pending.hasRoom('DE')).toBe(false);
  });

  it('wakes a waiting reader once its identity has room, and only then', () => {
    const pending = new PendingBytes({ total: 100 * MiB, perIdentity: 2 * ONE });
    const held = [pending.add('FR', MiB), pending.add('FR', MiB), pending.add('FR', MiB)];
    const woken: string[] = [];
    pending.whenRoom('FR', () => woken.push('FR stream'));
    pending.remove('FR', held[0] as number);
    expect(woken).toEqual([]); // 2 of 2 still held
    pending.remove('FR', held[1] as number);
    expect(woken).toEqual(['FR stream']);
    pending.remove('FR', held[2] as number);
    expect(woken).toEqual(['FR stream']); // once
  });

  it('wakes every identity with room when the gateway stops being full', () => {
    const pending = new PendingBytes({ total: 4 * ONE, perIdentity: 8 * ONE });
    const fr = [1, 2, 3].map(() => pending.add('FR', MiB));
    pending.add('NL', MiB);
    pending.add('NL', MiB);
    const woken: string[] = [];
    pending.whenRoom('NL', () => woken.push('NL'));
    pending.whenRoom('FR', () => woken.push('FR'));
    const forgotten = (): number => woken.push('forgotten');
    pending.whenRoom('NL', forgotten);
    pending.forget('NL', forgotten);
    pending.remove('FR', fr[0] as number);
    expect(woken).toEqual([]); // 4 of 4: still full
    pending.remove('FR', fr[1] as number);
    expect(woken.sort()).toEqual(['FR', 'NL']);
  });

  it('counts back to nothing whatever the order of answers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('FR', 'DE', 'NL'), fc.nat(3 * MiB)), { maxLength: 60 }),
        fc.func(fc.integer()),
        (messages, order) => {
          const pending = new PendingBytes({ total: 16 * MiB, perIdentity: 4 * MiB });
          const held = messages.map(([who, bytes]) => [who, pending.add(who, bytes)] as const);
          held.sort((a, b) => order(a) - order(b));
          for (const [who, bytes] of held) pending.remove(who, bytes);
          return (
            pending.heldBy() === 0 &&
            ['FR', 'DE', 'NL'].every((who) => pending.heldBy(who) === 0 && pending.hasRoom(who))
          );
        },
      ),
    );
  });
});
