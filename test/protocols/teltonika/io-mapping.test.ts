import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_TELTONIKA_IO_TABLE,
  decodeTeltonikaFrame,
  ioMappingProblems,
  mappingForModel,
  type TeltonikaIoMapping,
} from "../../../src/protocols/teltonika/index.js";
import { buildAvlPacket, type AvlRecordSpec } from "../support/teltonika-builder.js";

const base: AvlRecordSpec = {
  atMs: Date.UTC(2024, 4, 1, 12),
  priority: 0,
  lon: 25.2,
  lat: 54.7,
  altitudeM: 100,
  courseDeg: 90,
  satellites: 9,
  speedKmh: 40,
  eventIoId: 1,
  io1: [],
  io2: [],
  io4: [],
  io8: [],
  ioX: [],
};
const sealMapping: TeltonikaIoMapping = {
  seal: { io: 1, closedWhen: 1 },
  tamper: { io: 2, tamperedWhen: 1 },
  batteryPct: { io: 113 },
};

function decode(spec: Partial<AvlRecordSpec>, ioMapping?: TeltonikaIoMapping) {
  const o = decodeTeltonikaFrame(buildAvlPacket("8", [{ ...base, ...spec }]), {
    deviceId: "1",
    ...(ioMapping ? { ioMapping } : {}),
  });
  assert.ok(o.kind === "readings");
  return o.readings[0]!;
}

describe("Teltonika IO mapping", () => {
  it("by default reads only the battery level from IO 113", () => {
    const r = decode({
      io1: [
        [1, 1],
        [2, 1],
        [113, 87],
      ],
    });
    assert.equal(r.batteryPct, 87);
    assert.equal(r.seal, undefined);
    assert.equal(r.tamper, undefined);
  });

  it("sets seal, tamper and battery from the configured IOs", () => {
    const closed = decode(
      {
        io1: [
          [1, 1],
          [2, 0],
          [113, 55],
        ],
      },
      sealMapping,
    );
    assert.deepEqual([closed.seal, closed.tamper, closed.batteryPct], ["closed", false, 55]);
    const opened = decode(
      {
        io1: [
          [1, 0],
          [2, 1],
        ],
      },
      sealMapping,
    );
    assert.deepEqual([opened.seal, opened.tamper, opened.batteryPct], ["open", true, undefined]);
  });

  it("leaves a field unset when the record lacks its IO", () => {
    const r = decode({ io1: [[113, 10]] }, sealMapping);
    assert.deepEqual([r.seal, r.tamper, r.batteryPct], [undefined, undefined, 10]);
  });

  it("scales the battery and ignores values outside 0–100", () => {
    assert.equal(decode({ io2: [[113, 500]] }, { batteryPct: { io: 113, scale: 0.1 } }).batteryPct, 50);
    assert.equal(decode({ io2: [[113, 500]] }, { batteryPct: { io: 113 } }).batteryPct, undefined);
  });

  it("matches values of any width", () => {
    const r = decode({ io8: [[1, 7n]] }, { seal: { io: 1, closedWhen: 7 } });
    assert.equal(r.seal, "closed");
  });

  it("picks a model's mapping, else the default", () => {
    const table = { ...DEFAULT_TELTONIKA_IO_TABLE, models: { FMC130: sealMapping } };
    assert.equal(mappingForModel(table, "FMC130"), sealMapping);
    assert.equal(mappingForModel(table, "FMB920"), DEFAULT_TELTONIKA_IO_TABLE.default);
    assert.equal(mappingForModel(table, undefined), DEFAULT_TELTONIKA_IO_TABLE.default);
  });

  it("reports a bad mapping", () => {
    assert.deepEqual(ioMappingProblems(sealMapping), []);
    assert.equal(
      ioMappingProblems({ seal: { io: 70000, closedWhen: 1 }, batteryPct: { io: 1.5, scale: 0 } }).length,
      3,
    );
  });
});
