import type { Command } from 'commander';
import { buildProgram } from '../../../src/cli/main';
import {
  COMPONENT_COMMANDS,
  componentOf,
  composeProcesses,
  k8sProcesses,
  type Process,
} from './workloads';

/** The registered command at `path` (e.g. ['links', 'run']), if any. */
function commandAt(program: Command, path: readonly string[]): Command | undefined {
  let current: Command | undefined = program;
  for (const name of path) current = current?.commands.find((c) => c.name() === name);
  return current;
}

const longRunning = (processes: Process[]) => processes.filter((p) => !p.oneShot);
const compose = longRunning(composeProcesses());
const k8s = longRunning(k8sProcesses());

/** Reader streams as `consume` arguments: `country FR`, `secretariat`, ... */
const readerStreams = (processes: Process[]) =>
  processes
    .filter((p) => componentOf(p.command) === 'reader')
    .map((p) => p.command.slice(1).join(' '))
    .sort();

describe('components deployed', () => {
  it('names commands the CLI has', () => {
    const program = buildProgram();
    for (const { command } of COMPONENT_COMMANDS) {
      expect([command.join(' '), commandAt(program, command) !== undefined]).toEqual([
        command.join(' '),
        true,
      ]);
    }
  });

  it('runs every component (gateway, link detector, request ledger, readers, ops console) in Compose and in Kubernetes', () => {
    for (const { component } of COMPONENT_COMMANDS) {
      for (const [where, processes] of [
        ['compose', compose],
        ['k8s', k8s],
      ] as const) {
        const running = processes.filter((p) => componentOf(p.command) === component);
        expect([where, component, running.length > 0]).toEqual([where, component, true]);
      }
    }
  });

  it('runs only those components as long-running processes', () => {
    for (const deployed of [...compose, ...k8s]) {
      expect([deployed.where, deployed.name, componentOf(deployed.command)]).toEqual([
        deployed.where,
        deployed.name,
        expect.any(String),
      ]);
    }
  });

  it('runs exactly one ops console in each, as `intelroute console`', () => {
    for (const processes of [compose, k8s]) {
      const consoles = processes.filter((p) => componentOf(p.command) === 'console');
      expect(consoles.map((p) => [p.where, p.command])).toEqual([
        [processes[0]?.where, ['console']],
      ]);
    }
  });

  it('deploys the same reader streams in both', () => {
    expect(readerStreams(compose)).toEqual(readerStreams(k8s));
    expect(readerStreams(k8s).length).toBeGreaterThan(0);
  });
});
