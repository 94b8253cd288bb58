/**
 * EPCIS 2.0 for Sealwatch: `captureEpcis` turns a capture body into passive reads and normalized
 * readings, `encodeEpcisDocument` writes seal observations for partners. See docs/protocols/epcis.md.
 */
export { EPCIS_CONTEXT, EPCIS_CONTEXT_URL, EPCIS_SCHEMA } from "./artefacts.js";
export {
  captureEpcis,
  type CaptureOutcome,
  type CaptureRejection,
  type CaptureRejectionCode,
} from "./capture.js";
export {
  encodeEpcisDocument,
  formatEventTime,
  observationFromRead,
  type EncodeOptions,
  type EpcisDocument,
  type EpcisObjectEvent,
  type SealObservation,
} from "./encode.js";
export type { ValidationIssue } from "./issues.js";
export { DEFAULT_EPCIS_LIMITS, resolveLimits, type EpcisLimits } from "./limits.js";
export { parseGeoUri, type LocationKind, type LocationRef, type OfficeResolver } from "./location.js";
export {
  mapEpcisDocument,
  type DeviceLookup,
  type DeviceRef,
  type EventNotice,
  type MappedEvents,
  type MappingContext,
  type NoticeReason,
} from "./map.js";
export type { SubjectKind, SubjectScheme } from "./subjects.js";
export { parseEpcisTimeMs } from "./time.js";
export { validateEpcisDocument, type ValidationFailureCode, type ValidationResult } from "./validate.js";
export {
  SEAL_ID_PROPERTY,
  SEALWATCH_NAMESPACE,
  SEALWATCH_PREFIX,
  TAMPER_SENSOR_TYPE,
  readStatusOf,
  sealEvidence,
} from "./vocabulary.js";
