/** The Jointech e-lock protocol family (JT701/JT701D, JT600 trackers, JT709A/JT705A over JT808). */
export { decodeJointechFrame, type JointechDecodeOptions } from "./decoder.js";
export { createJointechFramer, JOINTECH_MAX_FRAME_BYTES } from "./framer.js";
export {
  encodeBaseTimeReply,
  encodeDynamicPasswordAck,
  encodeJointechCommand,
  encodeJt808,
  encodeJt808GeneralResponse,
  encodeJt808JointechResponse,
  encodeP35,
  encodeP69,
  encodeS20,
  encodeS39,
  encodeTimeSync,
  JT808,
  type EncodeResult,
  type JointechCommand,
  type Jt808Message,
} from "./encoder.js";
export { decodeLockStatus, encodeLockStatus, LOCK_STATUS_BITS, sealOf, tamperOf } from "./lock-status.js";
