import { ConnectionLedger } from '../../../src/gateway/grpc/connection-ledger';
import { SessionWatchdog, type WatchedSession } from '../../../src/gateway/grpc/session-watchdog';

describe('ConnectionLedger', () => {
  const ledger = () =>
    new ConnectionLedger({
      maxConnections: 4,
      maxConnectionsPerAddress: 2,
      maxConnectionsPerIdentity: 1,
    });

  it('caps connections per address and in total, and frees a slot when one closes', () => {
    const l = ledger();
    expect(l.admitAddress('10.0.0.1')).toBeUndefined();
    expect(l.admitAddress('10.0.0.1')).toBeUndefined();
    expect(l.admitAddress('10.0.0.1')).toBe('address-full');
    expect(l.admitAddress('10.0.0.2')).toBeUndefined();
    expect(l.admitAddress('10.0.0.3')).toBeUndefined();
    expect(l.admitAddress('10.0.0.4')).toBe('gateway-full');
    expect(l.open).toBe(4);
    l.releaseAddress('10.0.0.1');
    expect(l.admitAddress('10.0.0.1')).toBeUndefined();
    expect(l.admitAddress('10.0.0.5')).toBe('gateway-full');
  });

  it('caps connections per identity independently of addresses', () => {
    const l = ledger();
    expect(l.admitIdentity('urn:intelroute:ncb:FR')).toBeUndefined();
    expect(l.admitIdentity('urn:intelroute:ncb:FR')).toBe('identity-full');
    expect(l.admitIdentity('urn:intelroute:ncb:DE')).toBeUndefined();
    l.releaseIdentity('urn:intelroute:ncb:FR');
    expect(l.admitIdentity('urn:intelroute:ncb:FR')).toBeUndefined();
  });
});

describe('SessionWatchdog', () => {
  const options = { settingsTimeoutMs: 100, destroyTimeoutMs: 50, closeTimeoutMs: 300 };
  type Mutable = { -readonly [K in keyof WatchedSession]: WatchedSession[K] };
  const session = (state: Partial<WatchedSession> = {}): Mutable => ({
    pendingSettingsAck: false,
    destroyed: false,
    closed: false,
    ...state,
  });

  it('cuts a session whose peer never acknowledged our SETTINGS, once, after the timeout', () => {
    const dog = new SessionWatchdog<string>(options);
    const ghost = session({ pendingSettingsAck: true });
    const live = session();
    dog.watch(ghost, 'ghost-socket', 0);
    dog.watch(live, 'live-socket', 0);
    expect(dog.sweep(99)).toEqual([]);
    expect(dog.sweep(100)).toEqual([{ socket: 'ghost-socket', reason: 'settings-unacknowledged' }]);
    expect(dog.sweep(1000)).toEqual([]); // reclaimed once; it leaves on 'close'
    dog.forget(ghost);
    expect(dog.size).toBe(1);
  });

  it('cuts a destroyed session that never closes sooner than one closing gracefully', () => {
    const dog = new SessionWatchdog<string>(options);
    const destroyed = session();
    const closing = session();
    dog.watch(destroyed, 'd', 0);
    dog.watch(closing, 'c', 0);
    expect(dog.sweep(1000)).toEqual([]);
    destroyed.destroyed = true;
    closing.closed = true;
    expect(dog.sweep(2000)).toEqual([]); // closing from now on
    expect(dog.sweep(2050)).toEqual([{ socket: 'd', reason: 'stuck-closing' }]);
    expect(dog.sweep(2299)).toEqual([]);
    expect(dog.sweep(2300)).toEqual([{ socket: 'c', reason: 'stuck-closing' }]);
  });
});
