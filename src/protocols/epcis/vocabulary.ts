/**
 * Sealwatch's reading of EPCIS/CBV for seals. CBV 2.0 has no seal-number field, no "sealing" step
 * and no tamper measurement, so (standards.md §3):
 *
 * | EPCIS                                          | seal        | tamper | passive read |
 * |------------------------------------------------|-------------|--------|--------------|
 * | disposition `container_closed`                 | closed      |        | intact       |
 * | disposition `container_open`                   | open        |        | broken       |
 * | bizStep `inspecting` + `conformant`            | closed      |        | intact       |
 * | bizStep `inspecting` + `non_conformant`        |             | yes    | broken       |
 * | any sensorReport `exception: ALARM_CONDITION`  |             | yes    | broken       |
 * | anything else (`in_transit`, no disposition …) |             |        | no status    |
 *
 * Tamper wins over a closed seal for passive reads. `ERROR_CONDITION` (a sensor fault) says
 * nothing about the seal and is ignored.
 */
import type { ReadStatus, SealState } from "../../core/engine/device-event.js";

/** The namespace of Sealwatch's EPCIS extensions, bound to the prefix `sw` in documents it writes. */
export const SEALWATCH_NAMESPACE = "https://w3id.org/sealwatch/epcis/";

/** The prefix Sealwatch declares for `SEALWATCH_NAMESPACE`; senders may bind another one. */
export const SEALWATCH_PREFIX = "sw" as const;

/** Local name of the extension property carrying seal numbers (ISO 17712 marking, ≤ 35 characters). */
export const SEAL_ID_TERM = "sealId";

/** `sw:sealId` as Sealwatch writes it. */
export const SEAL_ID_PROPERTY = `${SEALWATCH_PREFIX}:${SEAL_ID_TERM}` as const;

/**
 * The sensorReport `type` Sealwatch writes for a tamper alarm. There is no GS1 measurement type for
 * seal integrity; readers act on `exception: "ALARM_CONDITION"`, the type only says what it was.
 */
export const TAMPER_SENSOR_TYPE = `${SEALWATCH_NAMESPACE}Tamper` as const;

export const ALARM_CONDITION = "ALARM_CONDITION";

export interface SealEvidence {
  readonly seal?: SealState;
  readonly tamper: boolean;
}

/** What one event says about the seals it names (see the table above). */
export function sealEvidence(
  disposition: string | undefined,
  bizStep: string | undefined,
  alarm: boolean,
): SealEvidence {
  const inspecting = bizStep === "inspecting";
  switch (disposition) {
    case "container_closed":
      return { seal: "closed", tamper: alarm };
    case "container_open":
      return { seal: "open", tamper: alarm };
    case "conformant":
      return inspecting ? { seal: "closed", tamper: alarm } : { tamper: alarm };
    case "non_conformant":
      return { tamper: alarm || inspecting };
    case undefined:
    default:
      return { tamper: alarm };
  }
}

/** The passive-read status the evidence supports, or undefined when it says nothing about the seal. */
export function readStatusOf(evidence: SealEvidence): ReadStatus | undefined {
  if (evidence.tamper || evidence.seal === "open") return "broken";
  return evidence.seal === "closed" ? "intact" : undefined;
}
