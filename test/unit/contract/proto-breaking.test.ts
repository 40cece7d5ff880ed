import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * `buf breaking` (WIRE_JSON rules, buf.yaml) against the contract as released: a national system
 * coded against v1 from proto/ alone must keep working, on the wire and in JSON. The baseline is
 * `buf build -o test/fixtures/contract/intelroute-v1.binpb`, rebuilt only when a change is
 * released on purpose.
 */
const ROOT = path.resolve(__dirname, '../../..');
const BASELINE = path.join(ROOT, 'test/fixtures/contract/intelroute-v1.binpb');
const BUF = path.join(ROOT, 'node_modules/.bin/buf');

function breaking(workspace: string): { status: number | null; output: string } {
  const run = spawnSync(BUF, ['breaking', '--against', BASELINE], {
    cwd: workspace,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('the gRPC contract against its released baseline', () => {
  it('breaks nothing a v1 client relies on', () => {
    const result = breaking(ROOT);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('would fail on a renumbered field (the check can fail)', () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'proto-breaking-'));
    try {
      cpSync(path.join(ROOT, 'proto'), path.join(copy, 'proto'), { recursive: true });
      cpSync(path.join(ROOT, 'buf.yaml'), path.join(copy, 'buf.yaml'));
      const envelope = path.join(copy, 'proto/intelroute/v1/envelope.proto');
      const text = readFileSync(envelope, 'utf8');
      expect(text).toContain('string message_id = 1;');
      writeFileSync(envelope, text.replace('string message_id = 1;', 'string message_id = 99;'));
      const result = breaking(copy);
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/message_id|"1"|field/i);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

// The baseline must describe the same files buf builds today (a stale or foreign image would
// make the first test vacuous).
it('has a baseline that names the intelroute v1 files', () => {
  const listing = execFileSync(BUF, ['ls-files', BASELINE], { cwd: ROOT, encoding: 'utf8' });
  expect(listing).toContain('intelroute/v1/envelope.proto');
  expect(listing).toContain('intelroute/v1/gateway.proto');
});
