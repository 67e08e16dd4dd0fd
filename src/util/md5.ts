/**
 * MD5 of a string as 32 lowercase hex digits: the ring's hash (paper §4.2), from node:crypto,
 * which is synchronous and deterministic. The core takes it as an argument.
 */
import { hash } from 'node:crypto';

export function md5Hex(text: string): string {
  return hash('md5', text, 'hex');
}
