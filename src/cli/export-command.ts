/** `sealwatch export TRIP --format epcis|dcsa|ncts|eaeu [--out FILE] [--from T] [--to T]`. */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { SealwatchError } from "../core/errors.js";
import { EXPORT_FORMATS, exportTrip, type ExportFormat } from "../interop/export.js";
import { UsageError, type Command } from "./command.js";
import { DB_HELP, DB_OPTION, withStore } from "./store-target.js";
import { periodOptions } from "./time-option.js";

const HELP = `Usage: sealwatch export TRIP --format epcis|dcsa|ncts|eaeu [options]

Writes a trip in an open format (docs/interop/): an EPCIS 2.0 document (validated against the
official schema), DCSA Track & Trace / IoT events, NCTS IE182-shaped incidents, or every alarm
with its EAEU navigation-seal code.

Options:
  --format FORMAT   epcis, dcsa, ncts or eaeu (required)
  --out FILE        write to FILE instead of standard output
  --from TIME       only events at or after TIME (RFC 3339, e.g. 2025-06-10T08:00:00Z)
  --to TIME         only events before TIME
  --xml             ncts: the XML form (namespace http://ncts.dgtaxud.ec)
  --authority NAME  the endorsing authority / publisher name (default: $SEALWATCH_ADMINISTRATION_NAME, else Sealwatch)
  --country CC      this administration's country, ISO 3166-1 alpha-2 (default: $SEALWATCH_ADMINISTRATION_COUNTRY)
${DB_HELP}
  -h, --help        this help`;

export const exportCommand: Command = {
  name: "export",
  summary: "a trip as EPCIS 2.0, DCSA events, NCTS incidents or EAEU alarm codes",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: "string" },
        out: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        xml: { type: "boolean" },
        authority: { type: "string" },
        country: { type: "string" },
        help: { type: "boolean", short: "h" },
        ...DB_OPTION,
      },
    });
    if (values.help === true) {
      io.out(HELP);
      return 0;
    }
    const [tripId, ...extra] = positionals;
    if (tripId === undefined) throw new UsageError("name the trip to export", HELP);
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`, HELP);
    const format = values.format;
    if (format === undefined) throw new UsageError("--format is required", HELP);
    if (!(EXPORT_FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format "${format}" is not one of ${EXPORT_FORMATS.join(", ")}`, HELP);
    if (values.xml === true && format !== "ncts")
      throw new UsageError("--xml goes with --format ncts only", HELP);
    const { fromMs, toMs } = periodOptions(values, HELP);
    const country = values.country ?? process.env.SEALWATCH_ADMINISTRATION_COUNTRY;
    if (country !== undefined && !/^[A-Z]{2}$/.test(country))
      throw new UsageError(`--country "${country}" is not an ISO 3166-1 alpha-2 code`, HELP);
    const name = values.authority ?? process.env.SEALWATCH_ADMINISTRATION_NAME ?? "Sealwatch";
    return withStore(values.db, { readOnly: true }, io, "export", async (store) => {
      const trip = await store.trips.get(tripId);
      if (trip === undefined)
        throw new SealwatchError("NOT_FOUND", `trip "${tripId}" not found in ${store.location}`);
      const exported = await exportTrip(store, trip, {
        format: format as ExportFormat,
        ...(values.xml === true ? { xml: true } : {}),
        ...(fromMs === undefined ? {} : { fromMs }),
        ...(toMs === undefined ? {} : { toMs }),
        nowMs: Date.now(),
        identity: {
          id: process.env.SEALWATCH_ADMINISTRATION_ID ?? "sealwatch",
          name,
          ...(country === undefined ? {} : { country }),
        },
      });
      if (values.out === undefined) io.out(exported.text.trimEnd());
      else {
        writeFileSync(values.out, exported.text);
        io.err(
          `sealwatch export: ${exported.count} ${format === "ncts" ? "incidents" : format === "eaeu" ? "alarms" : "events"} of trip ${tripId} written to ${values.out}`,
        );
      }
      return 0;
    });
  },
};
