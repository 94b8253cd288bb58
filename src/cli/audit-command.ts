/** `sealwatch audit verify|export|verify-export`: the tamper-evident audit chain. */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../config/load.js";
import { parseTrustSet } from "../dossier/trust.js";
import { identityFromConfig } from "../federation/identity.js";
import { InstanceKeys } from "../federation/instance-keys.js";
import { loadMasterKey } from "../gateway/security/master-key.js";
import {
  checkSigningKey,
  exportAuditChain,
  verifyAuditExport,
  type HeadSigner,
  type TrustedHeadKeys,
} from "../store/audit-signing.js";
import { loadCommandConfig, runSubcommand, UsageError, type Command, type CommandIo } from "./command.js";
import { DB_HELP, DB_OPTION, withStore } from "./store-target.js";

const VERIFY_HELP = `Usage: sealwatch audit verify [--db PATH_OR_URL]

Recomputes the whole audit hash chain and names the first broken record (edited, deleted,
inserted or reordered). Opens the store read-only: it works while a server is running.

Options:
${DB_HELP}
  -h, --help        show this help

Exit codes: 0 the chain is intact, 1 the chain is broken, 2 usage error or the store cannot be opened.`;

const EXPORT_HELP = `Usage: sealwatch audit export --out DIR [--key PEM] [--db PATH_OR_URL] [--config FILE]

Writes DIR/audit.ndjson (every audit record, one JSON object per line) and DIR/head.json (the chain
head, signed), for a third party to verify offline with \`sealwatch audit verify-export\`.

The head is signed with this instance's own signing key (the active key of its published key set,
GET /api/v1/federation/keys), opened with the server's master key (SEALWATCH_MASTER_KEY, else
master.key in SEALWATCH_DATA_DIR; a missing master key is refused, never created). --key, or the
auditSigningKey setting (SEALWATCH_AUDIT_SIGNING_KEY), signs with an Ed25519 PEM key instead.

Options:
  --out DIR         where to write (created if missing)
  --key PEM         Ed25519 private key file (PEM, e.g. from \`openssl genpkey -algorithm ed25519\`)
${DB_HELP}
  --config FILE     a configuration file (for the data folder and master key)
  -h, --help        show this help

Exit codes: 0 written, 2 usage error, unusable key or the store cannot be opened.`;

const VERIFY_EXPORT_HELP = `Usage: sealwatch audit verify-export DIR [--public-key PEM | --trust KEYS]

Verifies an audit export offline: the signature of DIR/head.json, then every record of
DIR/audit.ndjson up to the signed head. Without --public-key or --trust the key embedded in the
head is used; compare the fingerprint printed with the one the administration publishes.

Options:
  --public-key PEM  the Ed25519 public key (PEM) the head must be signed with
  --trust KEYS      a key set (JSON, as GET /api/v1/federation/keys publishes it): the head must be
                    signed by the key its keyId names there, not revoked
  -h, --help        show this help

Exit codes: 0 verified, 1 the export does not verify, 2 usage error or unreadable key.`;

const HELP = `Usage: sealwatch audit verify [--db PATH_OR_URL]
       sealwatch audit export --out DIR [--key PEM] [--db PATH_OR_URL]
       sealwatch audit verify-export DIR [--public-key PEM | --trust KEYS]

Subcommands:
  verify         check the whole audit chain in the store
  export         export the chain with a signed head
  verify-export  check an export offline (no database needed)

Run \`sealwatch audit SUBCOMMAND --help\` for its options.`;

export const auditCommand: Command = {
  name: "audit",
  summary: "verify the tamper-evident audit chain; export it signed; verify an export offline",
  help: HELP,
  run: (argv, io) =>
    runSubcommand(argv, io, HELP, {
      verify: verifyStore,
      export: exportChain,
      "verify-export": verifyExport,
    }),
};

async function verifyStore(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...DB_OPTION, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help === true) {
    io.out(VERIFY_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError("audit verify takes no arguments", VERIFY_HELP);
  return withStore(values.db, { readOnly: true }, io, "audit verify", async (store) => {
    const result = await store.audit.verify();
    if (result.ok) {
      io.out(
        result.head === undefined
          ? `ok: the audit chain of ${store.location} is empty`
          : `ok: ${result.records} audit records intact, head seq ${result.head.seq} hash ${result.head.hash}`,
      );
      return 0;
    }
    io.out(`BROKEN at record ${result.firstBroken}: ${result.problem}`);
    io.out(`(${result.records} records read from ${store.location})`);
    return 1;
  });
}

async function exportChain(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...DB_OPTION,
      out: { type: "string" },
      key: { type: "string" },
      config: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help === true) {
    io.out(EXPORT_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError("audit export takes no arguments", EXPORT_HELP);
  if (values.out === undefined || values.out === "")
    throw new UsageError("--out DIR is required", EXPORT_HELP);
  const config = loadCommandConfig("audit export", values.config, io, loadConfig);
  if (config === undefined) return 2;
  const keyFile = values.key !== undefined && values.key !== "" ? values.key : config.auditSigningKey;
  let keyPem: string | undefined;
  if (keyFile !== undefined && keyFile !== "") {
    keyPem = readKey(keyFile, io, "audit export");
    if (keyPem === undefined) return 2;
    try {
      checkSigningKey(keyPem);
    } catch (error) {
      io.err(`sealwatch audit export: ${keyFile}: ${(error as Error).message}`);
      return 2;
    }
  }
  const out = values.out;
  return withStore(values.db, { readOnly: true }, io, "audit export", async (store) => {
    let signer: HeadSigner;
    if (keyPem !== undefined) signer = keyPem;
    else {
      const master = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir, create: false });
      const keys = new InstanceKeys(store, master.key, {
        issuer: identityFromConfig(config).id,
        nowMs: () => Date.now(),
      });
      const active = await keys.signingKey();
      signer = { privateKey: active.privateKey, kid: active.kid };
    }
    const exported = await exportAuditChain(store, out, signer);
    io.out(
      `exported ${exported.records} audit records to ${out} (head seq ${exported.head.seq}, hash ${exported.head.hash})`,
    );
    io.out(
      exported.head.keyId === undefined
        ? `signed with the key in ${keyFile ?? "the key file"}`
        : `signed with this instance's key ${exported.head.keyId} (GET /api/v1/federation/keys publishes it)`,
    );
    return 0;
  });
}

async function verifyExport(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      "public-key": { type: "string" },
      trust: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help === true) {
    io.out(VERIFY_EXPORT_HELP);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError("audit verify-export takes exactly one DIR", VERIFY_EXPORT_HELP);
  if (values["public-key"] !== undefined && values.trust !== undefined)
    throw new UsageError("give --public-key or --trust, not both", VERIFY_EXPORT_HELP);
  let trusted: TrustedHeadKeys | undefined;
  if (values["public-key"] !== undefined) {
    trusted = readKey(values["public-key"], io, "audit verify-export");
    if (trusted === undefined) return 2;
  } else if (values.trust !== undefined) {
    const text = readKey(values.trust, io, "audit verify-export");
    if (text === undefined) return 2;
    let parsed: ReturnType<typeof parseTrustSet>;
    try {
      parsed = parseTrustSet(JSON.parse(text) as unknown);
    } catch (error) {
      io.err(`sealwatch audit verify-export: ${values.trust}: not JSON (${(error as Error).message})`);
      return 2;
    }
    if (!parsed.ok) {
      io.err(`sealwatch audit verify-export: ${values.trust}: ${parsed.problems.join("; ")}`);
      return 2;
    }
    trusted = parsed.trust.trustedKeys();
  }
  const result = await verifyAuditExport(positionals[0]!, trusted);
  if (!result.ok) {
    io.out(
      `NOT VERIFIED${result.firstBroken === undefined ? "" : ` at record ${result.firstBroken}`}: ${result.problem}`,
    );
    return 1;
  }
  io.out(
    `verified: ${result.records} audit records up to seq ${result.head.seq} (hash ${result.head.hash}), ` +
      `signed ${new Date(result.head.atMs).toISOString()} for ${result.head.storeLocation}`,
  );
  io.out(
    trusted === undefined
      ? `signed by the key embedded in the head, fingerprint sha256:${result.fingerprint}; compare it with the published one`
      : typeof trusted === "string"
        ? `signed by the given public key (fingerprint sha256:${result.fingerprint})`
        : `signed by key ${result.head.keyId ?? "?"} of the trusted key set`,
  );
  return 0;
}

function readKey(path: string, io: CommandIo, label: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    io.err(
      `sealwatch ${label}: ${path}: cannot read the key (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
    return undefined;
  }
}
