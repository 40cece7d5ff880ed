import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full, base) : [path.relative(base, full)];
  });
}

/**
 * `npm run build` regenerates src/contract/generated from proto/: the committed code must be exactly what
 * the generator produces, or a contract change was made without regenerating (or generated code
 * was edited by hand).
 */
describe('generated code', () => {
  it('is byte-for-byte what buf generate produces from proto/', () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'intelroute-codegen-'));
    for (const name of ['proto', 'buf.yaml', 'buf.gen.yaml']) {
      cpSync(path.join(ROOT, name), path.join(work, name), { recursive: true });
    }
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'));
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'buf'), ['generate'], {
      cwd: work,
      env: {
        ...process.env,
        PATH: `${path.join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
      },
    });
    const committed = path.join(ROOT, 'src', 'contract', 'generated');
    const fresh = path.join(work, 'src', 'contract', 'generated');
    expect(files(fresh).sort()).toEqual(files(committed).sort());
    for (const file of files(committed)) {
      expect({
        file,
        same: readFileSync(path.join(fresh, file)).equals(readFileSync(path.join(committed, file))),
      }).toEqual({ file, same: true });
    }
  });
});
