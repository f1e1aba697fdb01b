/**
 * The sign-up's proof of work in the browser (WebCrypto SHA-256, hashed in batches so the page stays
 * responsive): the same material and rule the API checks.
 */
import {
  leadingZeroBits,
  PROOF_OF_WORK_BITS,
  proofMaterial,
} from '../../../layers/domain/tenancy/proof-of-work.ts';

const BATCH = 512;

export async function solveProof(
  email: string,
  issuedAt = Date.now(),
): Promise<{ issuedAt: number; nonce: string }> {
  const encoder = new TextEncoder();
  for (let base = 0; ; base += BATCH) {
    const nonces = Array.from({ length: BATCH }, (_, i) => (base + i).toString(36));
    const digests = await Promise.all(
      nonces.map((nonce) =>
        crypto.subtle.digest('SHA-256', encoder.encode(proofMaterial(email, issuedAt, nonce))),
      ),
    );
    const found = digests.findIndex((d) => leadingZeroBits(new Uint8Array(d)) >= PROOF_OF_WORK_BITS);
    if (found >= 0) return { issuedAt, nonce: nonces[found] as string };
  }
}
