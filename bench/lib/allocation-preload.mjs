// Loaded into a benchmarked process with `--import` (bench/allocation-profile.ts): counts its garbage
// collections and, on SIGUSR2, starts (then, on the next SIGUSR2, stops and writes) V8's sampling heap
// profile of every allocation, collected garbage included. Files: $ALLOCATION_DIR/<pid>.{gc.json,heapprofile}.
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PerformanceObserver, constants } from "node:perf_hooks";
import { setInterval } from "node:timers";
import v8 from "node:v8";

const dir = process.env.ALLOCATION_DIR ?? "/tmp";
const gc = { scavenges: 0, scavengeMs: 0, majors: 0, majorMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      gc.scavenges++;
      gc.scavengeMs += entry.duration;
    } else if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      gc.majors++;
      gc.majorMs += entry.duration;
    }
  }
}).observe({ entryTypes: ["gc"] });
setInterval(() => {
  const newSpace = v8.getHeapSpaceStatistics().find((space) => space.space_name === "new_space");
  writeFileSync(join(dir, `${process.pid}.gc.json`), JSON.stringify({ ...gc, newSpaceBytes: newSpace?.space_size ?? 0 }));
}, 100).unref();

const session = new Session();
session.connect();
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
let sampling = false;
process.on("SIGUSR2", async () => {
  if (!sampling) {
    sampling = true;
    await post("HeapProfiler.enable");
    await post("HeapProfiler.startSampling", { samplingInterval: Number(process.env.ALLOCATION_INTERVAL ?? 4096), includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    writeFileSync(join(dir, `${process.pid}.sampling`), "");
  } else {
    const { profile } = await post("HeapProfiler.stopSampling");
    sampling = false;
    writeFileSync(join(dir, `${process.pid}.heapprofile`), JSON.stringify(profile));
  }
});
