/**
 * The seal protects the keyring at rest. Today it is a local key file; later a passphrase,
 * Shamir shares or a PKCS#11 token implement the same small interface, so nothing above
 * `keys/` changes when the seal does.
 */
export interface Seal {
  /** 'file' today; names the mechanism in status output and sealed envelopes. */
  readonly kind: string;
  /** Stable, non-secret identifier of the key, recorded in every envelope it seals. */
  readonly keyId: string;
  seal(plaintext: Buffer, aad: Buffer): Buffer;
  /** Throws the single DECRYPTION_FAILED error for any wrong, damaged or moved input. */
  unseal(sealed: Buffer, aad: Buffer): Buffer;
  /** Zeroes the key material; the seal is unusable afterwards. */
  dispose(): void;
}
