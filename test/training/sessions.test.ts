import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SealwatchError } from "../../src/core/errors.js";
import { ManualClock } from "../../src/monitor/clock.js";
import { loadLibrary } from "../../src/training/exercise-file.js";
import { TrainingService } from "../../src/training/sessions.js";

describe("the training service", () => {
  it("runs at most maxRunning sessions at once; a finished one makes room", async () => {
    const folder = mkdtempSync(join(tmpdir(), "sealwatch-training-"));
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const service = new TrainingService({
      folder,
      liveLocation: join(folder, "live.db"),
      library: loadLibrary(),
      clock,
      maxRunning: 1,
    });
    try {
      const start = () =>
        service.start({
          exerciseId: "th-04-battery-sag",
          speed: 60,
          trainees: [{ userId: "u1", username: "trainee" }],
          actor: "user:instructor",
        });
      const first = await start();
      await assert.rejects(
        start(),
        (e: unknown) => e instanceof SealwatchError && e.code === "TRAINING_REFUSED",
      );
      await service.finish(first.id, "user:instructor");
      const second = await start();
      assert.notEqual(second.id, first.id);
      // The exercise clock runs at the session's speed from its start.
      clock.advance(10_000);
      assert.equal(service.exerciseNow(second) - second.exerciseStartMs, 600_000);
    } finally {
      await service.close();
    }
  });
});
