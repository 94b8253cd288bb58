/**
 * Checks of an incident document against the IE182 data-group rules Sealwatch relies on (pure),
 * written from the copy in docs/interop/ncts-definitions.md: at most 9 incidents, code from CL019
 * (1–6), text an..512, endorsement date (YYYY-MM-DD), authority an..35, place an..35, country a2,
 * location qualifier U (UN/LOCODE) or W (GNSS, an..17 decimals), containers an..17, at most 99 seals
 * of an..20, numberOfSeals n..4 equal to the seals listed, sequence numbers from 1.
 */
import type { NctsIncidentDocument } from "./ncts-out.js";

const DECIMAL = /^-?\d{1,3}(\.\d{1,6})?$/;

export function checkNctsIncidents(document: NctsIncidentDocument): string[] {
  const problems: string[] = [];
  const add = (path: string, message: string): void => void problems.push(`${path}: ${message}`);
  const max = (path: string, value: string | undefined, n: number): void => {
    if (value !== undefined && value.length > n) add(path, `is longer than ${n} characters`);
  };
  const { MRN, LRN } = document.TransitOperation;
  if (MRN !== undefined && !/^\d{2}[A-Z]{2}[A-Z0-9]{13}\d$/.test(MRN))
    add("/TransitOperation/MRN", "is not an18 MRN");
  max("/TransitOperation/LRN", LRN, 22);
  const incidents = document.Consignment.Incident;
  if (incidents.length > 9)
    add("/Consignment/Incident", `has ${incidents.length} incidents; IE182 takes at most 9`);
  incidents.forEach((incident, i) => {
    const at = `/Consignment/Incident/${i}`;
    if (incident.sequenceNumber !== i + 1)
      add(`${at}/sequenceNumber`, `is ${incident.sequenceNumber}, expected ${i + 1}`);
    if (!/^[1-6]$/.test(incident.code)) add(`${at}/code`, `"${incident.code}" is not a CL019 incident code`);
    max(`${at}/text`, incident.text, 512);
    if (incident.text.length === 0) add(`${at}/text`, "is empty");
    const e = incident.Endorsement;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(e.date)) add(`${at}/Endorsement/date`, "is not YYYY-MM-DD");
    max(`${at}/Endorsement/authority`, e.authority, 35);
    max(`${at}/Endorsement/place`, e.place, 35);
    if (!/^[A-Z]{2}$/.test(e.country)) add(`${at}/Endorsement/country`, "is not an ISO 3166-1 alpha-2 code");
    const l = incident.Location;
    if (!/^[A-Z]{2}$/.test(l.country)) add(`${at}/Location/country`, "is not an ISO 3166-1 alpha-2 code");
    if (l.qualifierOfIdentification === "W") {
      if (l.GNSS === undefined) add(`${at}/Location/GNSS`, "is required with qualifier W");
      else
        for (const key of ["latitude", "longitude"] as const) {
          const v = l.GNSS[key];
          if (v.length > 17 || !DECIMAL.test(v))
            add(`${at}/Location/GNSS/${key}`, `"${v}" is not an..17 decimal degrees`);
        }
    } else if (l.UNLocode !== undefined && !/^[A-Z]{2}[A-Z2-9]{3}$/.test(l.UNLocode))
      add(`${at}/Location/UNLocode`, `"${l.UNLocode}" is not a UN/LOCODE`);
    incident.TransportEquipment.forEach((t, j) => {
      const tp = `${at}/TransportEquipment/${j}`;
      if (t.sequenceNumber !== j + 1)
        add(`${tp}/sequenceNumber`, `is ${t.sequenceNumber}, expected ${j + 1}`);
      max(`${tp}/containerIdentificationNumber`, t.containerIdentificationNumber, 17);
      if (t.Seal.length > 99) add(`${tp}/Seal`, "lists more than 99 seals");
      if (t.numberOfSeals !== t.Seal.length || t.numberOfSeals > 9999)
        add(`${tp}/numberOfSeals`, `is ${t.numberOfSeals} but ${t.Seal.length} seals are listed`);
      t.Seal.forEach((s, k) => {
        if (s.sequenceNumber !== k + 1)
          add(`${tp}/Seal/${k}/sequenceNumber`, `is ${s.sequenceNumber}, expected ${k + 1}`);
        max(`${tp}/Seal/${k}/identifier`, s.identifier, 20);
      });
    });
  });
  return problems;
}
