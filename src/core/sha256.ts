import { hash } from 'node:crypto';

/** Lowercase hex SHA-256 of `bytes`, in one call (no Hash object per message). */
export function sha256Hex(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'hex');
}
