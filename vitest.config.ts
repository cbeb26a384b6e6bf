import { defineConfig } from "vitest/config";
import NoSilentSkips from "./test/reporters/no-silent-skips.js";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two cores: more workers only add contention.
    maxWorkers: 2,
    // On CI a skipped test fails the run (see test/reporters/no-silent-skips.ts).
    reporters: ["default", new NoSilentSkips()],
    // Tests talk to 127.0.0.1 only: no configured local model may start a download from the real model
    // hub. Tests of the download turn it on themselves (against a hub on loopback).
    env: { SWITCHYARD_AUTO_DOWNLOAD: "0" },
  },
});
