/**
 * The sign-up proof of work, shared by the server and the sign-up page (no Node or browser API here): the
 * SHA-256 of `openline-signup|<email>|<issuedAt>|<nonce>` must start with PROOF_OF_WORK_BITS zero bits.
 */

/** About 65,000 hashes on average: under a second in a browser, a real cost per sign-up for a farm. */
export const PROOF_OF_WORK_BITS = 16;
/** How old a proof may be: long enough to fill in the form after the page started hashing. */
export const PROOF_MAX_AGE_MS = 30 * 60_000;

export function proofMaterial(email: string, issuedAt: number, nonce: string): string {
  return `openline-signup|${email.trim().toLowerCase()}|${issuedAt}|${nonce}`;
}

export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}
