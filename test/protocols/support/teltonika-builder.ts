/** Teltonika device packets for tests: the simulator's builders (src/sim/frames). */
export * from "../../../src/sim/frames/teltonika-frames.js";
