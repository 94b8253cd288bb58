/** Teltonika Codec 8, Codec 8 Extended and Codec 16 over TCP and UDP. */
export { decodeTeltonikaFrame, decodeTeltonikaUdp, type TeltonikaDecodeOptions } from "./decoder.js";
export { createTeltonikaFramer, TELTONIKA_MAX_FRAME_BYTES } from "./framer.js";
export { encodeLoginAnswer, encodeRecordCountAck, encodeUdpAck } from "./encoder.js";
export { crc16Ibm } from "./crc16.js";
export {
  applyIoMapping,
  DEFAULT_TELTONIKA_IO_MAPPING,
  DEFAULT_TELTONIKA_IO_TABLE,
  ioMappingProblems,
  mappingForModel,
  type TeltonikaIoMapping,
  type TeltonikaIoMappingTable,
} from "./io-mapping.js";
