import type { FileHandle } from 'node:fs/promises';

/** What the end of a JSON Lines output file says. */
export interface FileTail {
  /** Identities ("<origin>|<messageId>") of the complete lines in the scanned tail, oldest first. */
  readonly identities: readonly string[];
  /** Byte length of the file up to its last newline (a cut-off last line starts there). */
  readonly completeLength: number;
}

/**
 * Reads up to `maxBytes` from the end of an open file and collects the identity (origin and
 * messageId, messageIdentity) of every complete line in it. A line the scan starts in the middle
 * of is skipped, as are lines that are not JSON objects with a string messageId and origin. `completeLength` lets the caller cut off a last line
 * a crash left without its newline.
 */
export async function readFileTail(handle: FileHandle, maxBytes: number): Promise<FileTail> {
  const { size } = await handle.stat();
  const start = Math.max(0, size - maxBytes);
  const buffer = Buffer.alloc(size - start);
  if (buffer.length > 0) await handle.read(buffer, 0, buffer.length, start);
  const lastNewline = buffer.lastIndexOf(0x0a);
  if (lastNewline < 0) {
    // No line ends in the window: the whole file is one unfinished line, or the scan is too short
    // to tell (then nothing is cut).
    return { identities: [], completeLength: start === 0 ? 0 : size };
  }
  const text = buffer.subarray(0, lastNewline + 1).toString('utf8');
  const lines = text.split('\n').slice(0, -1);
  if (start > 0 && !(await precededByNewline(handle, start))) lines.shift(); // begins mid-line
  return {
    identities: lines.map(identityOf).filter((id) => id !== undefined),
    completeLength: start + lastNewline + 1,
  };
}

async function precededByNewline(handle: FileHandle, position: number): Promise<boolean> {
  const byte = Buffer.alloc(1);
  await handle.read(byte, 0, 1, position - 1);
  return byte[0] === 0x0a;
}

function identityOf(line: string): string | undefined {
  try {
    const { messageId, origin } = JSON.parse(line) as { messageId?: unknown; origin?: unknown };
    return typeof messageId === 'string' && typeof origin === 'string'
      ? `${origin}|${messageId}`
      : undefined;
  } catch {
    return undefined;
  }
}
