/** `sealwatch dossier export|verify`: a trip's signed dossier, and its verification offline. */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../config/load.js";
import { envelopeText } from "../dossier/build.js";
import { parseTrustSet } from "../dossier/trust.js";
import { verifyDossierText } from "../dossier/verify.js";
import { EXPORT_SCOPE, issueDossier } from "../federation/dossiers.js";
import { Federation } from "../federation/federation.js";
import { loadMasterKey } from "../gateway/security/master-key.js";
import { loadCommandConfig, runSubcommand, UsageError, type Command, type CommandIo } from "./command.js";
import { DB_HELP, DB_OPTION, withStore } from "./store-target.js";

const EXPORT_HELP = `Usage: sealwatch dossier export TRIP [--out FILE] [--track full|thinned] [--resolution S]
                               [--db PATH_OR_URL] [--config FILE]

Writes the trip's dossier (docs/federation.md): its declaration, devices and seals, every seal and
lock state change with the frame that reported it, alarms with their handling, the track, the
readings' digest, and the proof that ties every record to this instance's signed audit chain, in
RFC 8785 canonical JSON with a detached JWS by this instance's signing key. The issue is recorded
in the audit chain. The key is opened with the master key (SEALWATCH_MASTER_KEY, else master.key in
SEALWATCH_DATA_DIR).

Options:
  --out FILE        where to write (default: standard output)
  --track MODE      full (every fix, the default) or thinned
  --resolution S    with --track thinned: at most one point per S seconds per device (default 60)
${DB_HELP}
  --config FILE     a configuration file (for the identity, data folder and master key)
  -h, --help        show this help

Exit codes: 0 written, 2 usage error, unknown trip, no key or the store cannot be opened.`;

const VERIFY_HELP = `Usage: sealwatch dossier verify FILE --trust KEYS

Verifies a dossier offline, with no server and no network: the file is the canonical text that was
signed, the signature is by a key of KEYS (not revoked), every record hashes to its leaf, the leaves
give the root anchored in the issuer's audit record, the audit head signed at that record verifies,
and the seal verdict the dossier states is what its seal records show. Every failure is named.

Options:
  --trust KEYS      a key set (JSON) as GET /api/v1/federation/keys publishes it, or a partner's
                    pinned keys (GET /api/v1/federation/partners/ID/keys); several as { "keySets": [...] }
  -h, --help        show this help

Exit codes: 0 verified, 1 the dossier does not verify, 2 usage error or unreadable file.`;

const HELP = `Usage: sealwatch dossier export TRIP [--out FILE] [--db PATH_OR_URL]
       sealwatch dossier verify FILE --trust KEYS

Subcommands:
  export   write a trip's signed dossier
  verify   verify a dossier offline

Run \`sealwatch dossier SUBCOMMAND --help\` for its options.`;

/** Largest dossier file read (a year-long trip's every fix fits many times over). */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

export const dossierCommand: Command = {
  name: "dossier",
  summary: "export a trip's signed dossier; verify one offline",
  help: HELP,
  run: (argv, io) =>
    runSubcommand(argv, io, HELP, {
      export: exportDossier,
      verify: (argv, io) => Promise.resolve(verifyDossier(argv, io)),
    }),
};

async function exportDossier(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...DB_OPTION,
      out: { type: "string" },
      track: { type: "string" },
      resolution: { type: "string" },
      config: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help === true) {
    io.out(EXPORT_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("dossier export takes exactly one TRIP id", EXPORT_HELP);
  const track = values.track ?? "full";
  if (track !== "full" && track !== "thinned")
    throw new UsageError("--track is full or thinned", EXPORT_HELP);
  const resolutionS = values.resolution === undefined ? 60 : Number(values.resolution);
  if (!Number.isInteger(resolutionS) || resolutionS < 1 || resolutionS > 86_400)
    throw new UsageError("--resolution is a whole number of seconds from 1 to 86400", EXPORT_HELP);
  const config = loadCommandConfig("dossier export", values.config, io, loadConfig);
  if (config === undefined) return 2;
  return withStore(values.db, { readOnly: false }, io, "dossier export", async (store) => {
    if (!(await store.federation.instanceKeys()).some((k) => k.status === "active")) {
      io.err(
        "sealwatch dossier export: this instance has no signing key yet: start the server once to create it",
      );
      return 2;
    }
    const master = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir, create: false });
    const federation = await Federation.start({
      store,
      config,
      masterKey: master.key,
      nowMs: () => Date.now(),
    });
    const envelope = await issueDossier(federation, positionals[0]!, {
      actor: "system:cli",
      scope: { ...EXPORT_SCOPE, trackResolutionS: track === "thinned" ? resolutionS : 0 },
    });
    const text = envelopeText(envelope);
    if (values.out === undefined) io.out(text.trimEnd());
    else {
      writeFileSync(values.out, text);
      const d = envelope.dossier;
      io.err(
        `wrote ${values.out}: trip ${d.trip.id}, ${d.records.length} records, seal ${d.seal.intact ? "intact" : "NOT intact"}, anchored at audit record ${d.proof.anchor.seq}`,
      );
    }
    return 0;
  });
}

function verifyDossier(argv: string[], io: CommandIo): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { trust: { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help === true) {
    io.out(VERIFY_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("dossier verify takes exactly one FILE", VERIFY_HELP);
  if (values.trust === undefined) throw new UsageError("--trust KEYS is required", VERIFY_HELP);
  const trustText = readText(values.trust, io);
  const text = readText(positionals[0]!, io);
  if (trustText === undefined || text === undefined) return 2;
  let trustJson: unknown;
  try {
    trustJson = JSON.parse(trustText);
  } catch (error) {
    io.err(`sealwatch dossier verify: ${values.trust}: not JSON (${(error as Error).message})`);
    return 2;
  }
  const trust = parseTrustSet(trustJson);
  if (!trust.ok) {
    io.err(`sealwatch dossier verify: ${values.trust}: ${trust.problems.join("; ")}`);
    return 2;
  }
  const verdict = verifyDossierText(text, (kid) => trust.trust.lookup(kid));
  if (!verdict.ok) {
    io.out(`NOT VERIFIED: ${positionals[0]!}`);
    for (const problem of verdict.problems) io.out(`  ${problem.kind}: ${problem.message}`);
    return 1;
  }
  const d = verdict.dossier!;
  io.out(
    `verified: dossier of trip ${d.trip.id}${d.declaration.mrn === undefined ? "" : ` (MRN ${d.declaration.mrn})`} issued by ${d.issuer.id} at ${d.issuedAt}, signed with key ${verdict.kid ?? "?"}`,
  );
  io.out(
    `  ${d.records.length} records anchored at audit record ${d.proof.anchor.seq}; track ${d.track.mode} (${d.track.points} of ${d.track.fixes} fixes); ${d.readings.count} readings, digest ${d.readings.digest}`,
  );
  io.out(
    `  seal: ${d.seal.intact ? "intact and closed since arming" : `NOT intact (${d.seal.reason ?? "broken"})`}`,
  );
  return 0;
}

function readText(path: string, io: CommandIo): string | undefined {
  try {
    if (statSync(path).size > MAX_FILE_BYTES) {
      io.err(`sealwatch dossier verify: ${path}: larger than ${MAX_FILE_BYTES} bytes`);
      return undefined;
    }
    return readFileSync(path, "utf8");
  } catch (error) {
    io.err(
      `sealwatch dossier verify: ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
    return undefined;
  }
}
