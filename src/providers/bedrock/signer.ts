import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { createRequire } from "node:module";
import type { CredentialSource } from "./credentials.js";

type SourceData = string | ArrayBuffer | ArrayBufferView;

const toBuffer = (data: SourceData): Buffer =>
  typeof data === "string"
    ? Buffer.from(data, "utf8")
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256 / HMAC-SHA256 from node:crypto in the shape the Smithy signer asks for (as @smithy/hash-node does). */
class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(this.secret));
  }

  update(data: SourceData): void {
    this.hash.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }
}

export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
}

// The Smithy signer loads only when a Bedrock provider is configured.
const require = createRequire(import.meta.url);

/** Signs Bedrock runtime requests with SigV4 (service `bedrock`), using the Smithy signer. */
export function createSigner(region: string, credentials: CredentialSource) {
  const { SignatureV4 } = require("@smithy/signature-v4") as typeof import("@smithy/signature-v4");
  const signer = new SignatureV4({ service: "bedrock", region, credentials, sha256: NodeSha256 });
  return async (url: string, body: string, headers: Record<string, string>): Promise<SignedRequest> => {
    const target = new URL(url);
    const query: Record<string, string> = {};
    for (const [key, value] of target.searchParams) query[key] = value;
    const signed = await signer.sign({
      method: "POST",
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port ? Number(target.port) : undefined,
      path: target.pathname,
      query,
      headers: { ...headers, host: target.host },
      body,
    });
    return { url, headers: signed.headers };
  };
}
