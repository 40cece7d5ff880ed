import path from 'node:path';

/**
 * The repository root: this file sits at src/config/ (jest, tsx) or dist/config/
 * (compiled), two levels down in both cases.
 */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
