import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { findTextProblem } from '../core/validation/json-structure';
import { IntelrouteError } from '../core/errors';
import type { Envelope } from '../contract/generated/intelroute/v1/envelope';
import { envelopeFromJson, type EnvelopeJsonDefaults } from './envelope-json';

/** An envelope read from text, and where from (a file name, `stdin:3`) for messages. */
export interface EnvelopeInput {
  readonly source: string;
  readonly envelope: Envelope;
}

/**
 * The envelope in a JSON file (format: envelope-json.ts).
 * @throws IntelrouteError ENVELOPE_INPUT_INVALID when unreadable, not JSON or not an envelope
 */
export async function readEnvelopeFile(
  file: string,
  defaults?: EnvelopeJsonDefaults,
): Promise<EnvelopeInput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new IntelrouteError('ENVELOPE_INPUT_INVALID', `cannot read ${file} (${code})`, {
      cause: error,
      details: { source: file },
    });
  }
  return { source: file, envelope: envelopeFromJson(parseJson(text, file), file, defaults) };
}

/**
 * Envelopes from JSON Lines (one envelope per line, blank lines skipped), as they arrive: a
 * producer can pipe into a long-running sender. Sources are `<label>:<line number>`.
 * @throws IntelrouteError ENVELOPE_INPUT_INVALID at the first bad line (earlier ones were yielded)
 */
export async function* readEnvelopeLines(
  input: NodeJS.ReadableStream,
  label = 'stdin',
  defaults?: EnvelopeJsonDefaults,
): AsyncGenerator<EnvelopeInput> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
    const source = `${label}:${line}`;
    yield { source, envelope: envelopeFromJson(parseJson(text, source), source, defaults) };
  }
}

function parseJson(text: string, source: string): unknown {
  // JSON.parse keeps the last of two equal names silently; the gateway refuses such payloads.
  const problem = findTextProblem(text);
  if (problem !== undefined) {
    const at = problem.pointer === '' ? '' : ` at ${problem.pointer}`;
    throw new IntelrouteError('ENVELOPE_INPUT_INVALID', `${source}: ${problem.message}${at}`, {
      details: { source },
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new IntelrouteError('ENVELOPE_INPUT_INVALID', `${source}: not JSON (${why})`, {
      cause: error,
      details: { source },
    });
  }
}
