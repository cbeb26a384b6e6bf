import type { Finding } from "../../src/guardrails/detectors/index.js";
import * as values from "./values.js";
import { createRandom, type Random } from "./values.js";

/** One synthetic record: text plus the spans a perfect detector would report. */
export interface LabelledRecord {
  text: string;
  spans: Finding[];
  /** Which negative kinds were mixed in (for per-kind false-positive counts). */
  negatives: string[];
}

class RecordBuilder {
  text = "";
  spans: Finding[] = [];
  negatives: string[] = [];

  add(value: string): this {
    this.text += value;
    return this;
  }

  span(category: string, value: string, inner?: { start: number; end: number }): this {
    const start = this.text.length + (inner?.start ?? 0);
    this.spans.push({ category, start, end: inner ? this.text.length + inner.end : start + value.length });
    this.text += value;
    return this;
  }
}

type Positive = (builder: RecordBuilder, random: Random) => void;

const positives: Record<string, Positive> = {
  email: (b, r) => b.add(r.pick(["Please forward it to ", "Contact: ", "cc ", "Reply to <"])).span("email", values.email(r)).add(r.pick([" before Friday.", ".", ">", " thanks"])),
  phone: (b, r) => b.add(r.pick(["You can reach me on ", "Call ", "Mobile: ", "or phone "])).span("phone", values.phone(r)).add(r.pick([" after 5pm.", ".", ", any time."])),
  credit_card: (b, r) => b.add(r.pick(["Card number ", "Pay with ", "CC: "])).span("credit_card", values.creditCard(r)).add(r.pick([", expiry 09/27.", " please.", "."])),
  iban: (b, r) => b.add(r.pick(["Wire the refund to IBAN ", "Account: ", "IBAN: "])).span("iban", values.iban(r)).add(r.pick([".", " (main account).", " today."])),
  us_ssn: (b, r) => b.add(r.pick(["SSN ", "Social security number: ", "her SSN is "])).span("us_ssn", values.ssn(r)).add(r.pick([" was on the form.", ".", "; verify it."])),
  ip_address: (b, r) => b.add(r.pick(["The server at ", "Blocked source ", "ssh into "])).span("ip_address", values.ipAddress(r)).add(r.pick([" is down.", " again.", " now."])),
  url_credentials: (b, r) => {
    const url = values.urlCredentials(r);
    b.add(r.pick(["Connect with ", "DATABASE_URL=", "Use "])).span("url_credentials", url.text, url).add(r.pick([" in staging.", "", " for the migration."]));
  },
  api_key: (b, r) => b.add(r.pick(["export API_KEY=", "Here is my key: ", "token = \""])).span("api_key", values.apiKey(r)).add(r.pick(["", " (do not share)", "\""])),
  private_key: (b, r) => b.add(r.pick(["Key file:\n", "id_rsa contents:\n"])).span("private_key", values.privateKey(r)).add("\n"),
  jwt: (b, r) => b.add(r.pick(["Authorization: Bearer ", "session cookie ", "jwt="])).span("jwt", values.jwt(r)).add(r.pick(["", " expired.", ";"])),
  high_entropy: (b, r) => b.add(r.pick(["Use session token ", "secret: ", "password reset code "])).span("high_entropy", values.highEntropy(r)).add(r.pick([" for the retry.", "", "."])),
};

const date = (r: Random) => `${r.int(2015, 2030)}-${String(r.int(1, 12)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}`;

/** Things that look like the categories above and are not. */
const negatives: Record<string, (r: Random) => string> = {
  "order number": (r) => `Order #${r.chars(values.DIGITS, 10)} ships soon.`,
  "order number (bare)": (r) => `order ${r.int(1, 9)}${r.chars(values.DIGITS, 9)} confirmed.`,
  date: (r) => `Shipped on ${date(r)} at ${String(r.int(0, 23)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}.`,
  "version string": (r) => `Upgrade to v${r.int(0, 20)}.${r.int(0, 30)}.${r.int(0, 99)} (build ${r.int(2020, 2026)}${String(r.int(1, 12)).padStart(2, "0")}${String(r.int(1, 28)).padStart(2, "0")}.${r.int(1, 9)}).`,
  "four-part version": (r) => `Firmware version ${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 20)}.${r.int(0, 250)} is current.`,
  "git commit": (r) => `Fixed in commit ${values.hex(r, 40)}.`,
  "sha256 hash": (r) => `sha256:${values.hex(r, 64)}`,
  uuid: (r) => `request id ${values.uuid(r)}`,
  "tracking number": (r) => `Tracking number ${r.chars(values.DIGITS, r.int(12, 18))}.`,
  "card ending": (r) => `the card ending in ${r.chars(values.DIGITS, 4)}`,
  "luhn-invalid card": (r) => `ref ${values.notACard(r)}`,
  "invalid IBAN": (r) => `IBAN ${values.iban(r, false)} was rejected.`,
  "invalid SSN": (r) => `placeholder SSN ${values.invalidSsn(r)}`,
  price: (r) => `Total: $${r.int(1, 999)},${r.chars(values.DIGITS, 3)}.${r.chars(values.DIGITS, 2)}`,
  "phone-like id": (r) => `Employee ID ${r.int(1, 9)}${r.chars(values.DIGITS, 6)}, room ${r.int(100, 999)}-${r.int(10, 99)}.`,
  "isbn": (r) => `ISBN 978-${r.int(0, 9)}-${r.chars(values.DIGITS, 2)}-${r.chars(values.DIGITS, 6)}-${r.int(0, 9)}`,
  identifier: (r) => `call getUserAccountBy${r.pick(["Id", "Email", "Name"])}${r.int(2, 2030)}() in OrderService${r.int(1, 9)}Impl`,
  "file path": (r) => `see /usr/local/lib/python3.${r.int(8, 13)}/site-packages/${r.pick(["numpy", "torch", "requests"])}/__init__.py`,
  "social handle": (r) => `follow @${r.pick(["example", "switchyard_dev"])} for news`,
  ratio: (r) => `mix at ${r.int(1, 9)}:${r.int(1, 9)}:${r.int(1, 9)}`,
  "base64 image name": (r) => `thumbnail_${r.int(100, 999)}x${r.int(100, 999)}_final_v${r.int(2, 9)}.png`,
};

const FILLER = [
  "Thanks for getting back to me so quickly.",
  "The meeting moved to next week.",
  "Let me know if anything else is needed.",
  "We reviewed the quarterly numbers yesterday.",
  "Attached are the notes from the call.",
];

/** `count` records, each mixing 0-2 positives of random categories, 1-2 negatives and filler. */
export function generateRecords(count: number, seed = 7): LabelledRecord[] {
  const random = createRandom(seed);
  const positiveKinds = Object.keys(positives);
  const negativeKinds = Object.keys(negatives);
  const records: LabelledRecord[] = [];
  for (let index = 0; index < count; index++) {
    const builder = new RecordBuilder();
    const parts: Array<() => void> = [];
    const positiveCount = random.int(0, 2);
    for (let item = 0; item < positiveCount; item++) {
      const kind = random.pick(positiveKinds);
      parts.push(() => positives[kind]!(builder, random));
    }
    for (let item = random.int(1, 2); item > 0; item--) {
      const kind = random.pick(negativeKinds);
      parts.push(() => {
        builder.negatives.push(kind);
        builder.add(negatives[kind]!(random));
      });
    }
    parts.push(() => builder.add(random.pick(FILLER)));
    for (let swap = parts.length - 1; swap > 0; swap--) {
      const other = random.int(0, swap);
      [parts[swap], parts[other]] = [parts[other]!, parts[swap]!];
    }
    parts.forEach((part, position) => {
      if (position > 0) builder.add(" ");
      part();
    });
    records.push({ text: builder.text, spans: builder.spans, negatives: builder.negatives });
  }
  return records;
}
