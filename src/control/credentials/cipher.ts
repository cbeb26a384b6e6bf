import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { SwitchyardError } from "../../core/errors.js";

/** AES-256-GCM with a key derived (HKDF-SHA256) from SWITCHYARD_ENCRYPTION_KEY or the master key. */
export class SecretCipher {
  private readonly key: Buffer;

  constructor(rootSecret: string) {
    this.key = Buffer.from(hkdfSync("sha256", rootSecret, "switchyard", "provider-credentials", 32));
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
  }

  decrypt(encoded: string): string {
    const data = Buffer.from(encoded, "base64");
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString("utf8");
    } catch (error) {
      throw new SwitchyardError("SWY_ERR_INTERNAL", "A stored credential cannot be decrypted: the encryption key changed.", { cause: error });
    }
  }
}
