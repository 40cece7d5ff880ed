import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { sleep, summarizeLatencies } from './stats';

/**
 * What one hop between processes costs on this machine, before any intelroute code: every
 * gRPC message and every Kafka request is at least one such hop, and on a virtual machine a
 * wake-up of another process can cost more than the work it carries.
 */
export interface MachineFloor {
  /** A 200-byte request answered by another process over loopback TCP, one at a time. */
  readonly roundTripUs: { readonly p50: number; readonly p99: number };
  /** CPU (user + system) of the caller per round trip: its write, its wake-up, its read. */
  readonly cpuPerRoundTripUs: number;
  /** CPU per wake-up of an otherwise idle event loop (a 1 ms timer). */
  readonly cpuPerTimerWakeUs: number;
}

const MESSAGE_BYTES = 200;
const ROUND_TRIPS = 3000;
const TIMER_WAKES = 1000;

/** Echoes every byte back; prints its port once listening. */
const ECHO_SERVER = `
const server = require('node:net').createServer((s) => { s.setNoDelay(true); s.on('data', (d) => s.write(d)); });
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.stdin.on('end', () => process.exit(0)); process.stdin.resume();
`;

export async function measureMachineFloor(): Promise<MachineFloor> {
  const server = spawn(process.execPath, ['-e', ECHO_SERVER], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const exited = once(server, 'exit').then(() => {
    throw new Error('the echo process of the machine-floor measurement exited');
  });
  exited.catch(() => undefined); // only raced below: its end after a normal run is expected
  try {
    const [portLine] = (await Promise.race([once(server.stdout, 'data'), exited])) as [Buffer];
    const socket = connect(Number(portLine.toString().trim()), '127.0.0.1');
    await once(socket, 'connect');
    socket.setNoDelay(true);
    const roundTrips = await Promise.race([pingPong(socket), exited]);
    socket.destroy();
    return { ...roundTrips, cpuPerTimerWakeUs: await cpuPerTimerWake() };
  } finally {
    server.stdin.end();
    server.kill();
  }
}

async function pingPong(socket: Socket): Promise<Omit<MachineFloor, 'cpuPerTimerWakeUs'>> {
  const message = Buffer.alloc(MESSAGE_BYTES, 0x61);
  let received = 0;
  let answered: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received >= MESSAGE_BYTES && answered !== undefined) {
      received -= MESSAGE_BYTES;
      answered();
    }
  });
  const roundTrip = (): Promise<void> =>
    new Promise((resolve) => {
      answered = resolve;
      socket.write(message);
    });
  for (let i = 0; i < ROUND_TRIPS / 10; i += 1) await roundTrip(); // warm-up
  const times: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < ROUND_TRIPS; i += 1) {
    const started = process.hrtime.bigint();
    await roundTrip();
    times.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const inMicroseconds = summarizeLatencies(times); // its figures are in the samples' unit
  return {
    roundTripUs: { p50: Math.round(inMicroseconds.p50Ms), p99: Math.round(inMicroseconds.p99Ms) },
    cpuPerRoundTripUs: Math.round((cpu.user + cpu.system) / ROUND_TRIPS),
  };
}

async function cpuPerTimerWake(): Promise<number> {
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < TIMER_WAKES; i += 1) await sleep(1);
  const cpu = process.cpuUsage(cpuBefore);
  return Math.round((cpu.user + cpu.system) / TIMER_WAKES);
}
