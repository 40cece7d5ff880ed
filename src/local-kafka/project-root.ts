import path from 'node:path';

/**
 * The repository root: this file sits at src/local-kafka/ (ts-jest, tsx) or dist/local-kafka/
 * (compiled), two levels down in both cases.
 */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
