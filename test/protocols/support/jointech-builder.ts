/** Jointech device frames for tests: the simulator's builders (src/sim/frames). */
export * from "../../../src/sim/frames/jointech-frames.js";
