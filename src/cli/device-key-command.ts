/**
 * `sealwatch device-key issue|rotate|retire|list`: the keys MQTT and HTTP devices sign or encrypt
 * their messages with (docs/protocols/mqtt-http.md). A key's secret is printed once, when it is
 * issued, for whoever provisions the device; the store keeps it sealed with the master key. A
 * running gateway picks key changes up within 30 seconds.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config/load.js";
import { SealwatchError } from "../core/errors.js";
import { DeviceKeyVault, KEY_ALGORITHMS, type KeyAlgorithm } from "../gateway/security/key-vault.js";
import { loadMasterKey } from "../gateway/security/master-key.js";
import { openStore } from "../store/open.js";
import { UsageError, type Command, type CommandIo } from "./command.js";

const HELP = `Usage: sealwatch device-key issue  --device ID [--algorithm hmac-sha256|aes-256-gcm] [--key-id ID]
       sealwatch device-key rotate --device ID [--algorithm …] [--grace-s SECONDS]
       sealwatch device-key retire --device ID --key-id ID
       sealwatch device-key list   --device ID

Keys of MQTT and HTTP devices: HMAC-SHA256 keys sign readings, AES-256-GCM keys encrypt them
(docs/protocols/mqtt-http.md). "issue" and "rotate" print the new key's secret (base64) once: load
it into the device; Sealwatch keeps it sealed with the master key (SEALWATCH_MASTER_KEY or
dataDir/master.key). "rotate" issues a new key and retires the device's other keys after the grace
period (default 86400 s), so that devices in the field can switch over.

Options:
  --device ID        registry id of the device
  --algorithm NAME   hmac-sha256 (default) or aes-256-gcm
  --key-id ID        key id (default k1, k2, …)
  --grace-s SECONDS  how long the old keys keep verifying after a rotation
  --db PATH_OR_URL   SQLite file or postgres:// URL (default: $DATABASE_URL, else dataDir/sealwatch.db)
  --config FILE      JSON settings file
  -h, --help         show this help

Exit codes: 0 done, 2 usage error, unknown device or key, or the store cannot be opened.`;

export const deviceKeyCommand: Command = {
  name: "device-key",
  summary: "issue, rotate, retire and list the signing/encryption keys of MQTT and HTTP devices",
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === "--help" || sub === "-h") {
      io.out(HELP);
      return sub === undefined ? 2 : 0;
    }
    if (!["issue", "rotate", "retire", "list"].includes(sub))
      throw new UsageError(`unknown subcommand "${sub}"`, HELP);
    const { values, positionals } = parseArgs({
      args: rest,
      options: {
        device: { type: "string" },
        algorithm: { type: "string" },
        "key-id": { type: "string" },
        "grace-s": { type: "string" },
        db: { type: "string" },
        config: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
    if (values.help === true) {
      io.out(HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`device-key ${sub} takes no arguments`, HELP);
    const deviceId = values.device;
    if (deviceId === undefined || deviceId === "") throw new UsageError("--device ID is required", HELP);
    const algorithm = (values.algorithm ?? "hmac-sha256") as KeyAlgorithm;
    if (!KEY_ALGORITHMS.includes(algorithm))
      throw new UsageError(`--algorithm is one of ${KEY_ALGORITHMS.join(", ")}`, HELP);
    const grace = values["grace-s"];
    if (grace !== undefined && !/^\d+$/.test(grace))
      throw new UsageError("--grace-s is a whole number of seconds", HELP);
    if (sub === "retire" && values["key-id"] === undefined)
      throw new UsageError("--key-id ID is required", HELP);
    return run(
      sub,
      { deviceId, algorithm, keyId: values["key-id"], graceS: grace === undefined ? 86_400 : Number(grace) },
      values,
      io,
    );
  },
};

async function run(
  sub: string,
  args: { deviceId: string; algorithm: KeyAlgorithm; keyId: string | undefined; graceS: number },
  values: { db?: string | undefined; config?: string | undefined },
  io: CommandIo,
): Promise<number> {
  try {
    const config = loadConfig(values.config === undefined ? {} : { file: values.config });
    const store = await openStore({
      url: values.db ?? config.databaseUrl ?? join(config.dataDir, "sealwatch.db"),
    });
    try {
      const master = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir });
      const vault = new DeviceKeyVault(store.devices, master.key);
      if (sub === "list") {
        const keys = await store.devices.keys(args.deviceId);
        if (keys.length === 0) io.out(`device ${args.deviceId} has no keys`);
        for (const k of keys)
          io.out(
            `${k.keyId}  ${k.algorithm}  created ${new Date(k.createdAtMs).toISOString()}  ` +
              `${k.retiredAtMs === undefined ? "live" : `retired ${new Date(k.retiredAtMs).toISOString()}`}  counter ${k.lastCounter}`,
          );
        return 0;
      }
      if (sub === "retire") {
        await vault.retireKey(args.deviceId, args.keyId!);
        io.out(`retired key ${args.keyId!} of device ${args.deviceId}`);
        return 0;
      }
      const issued =
        sub === "issue"
          ? await vault.issueKey(args.deviceId, args.algorithm, args.keyId)
          : await vault.rotateKey(args.deviceId, {
              algorithm: args.algorithm,
              graceMs: args.graceS * 1000,
              ...(args.keyId === undefined ? {} : { keyId: args.keyId }),
            });
      io.out(`device ${issued.deviceId} key ${issued.keyId} (${issued.algorithm})`);
      io.out(`secret ${issued.secret}`);
      io.err("the secret is shown once: load it into the device now; Sealwatch keeps it sealed");
      return 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    if (error instanceof SealwatchError) {
      io.err(`sealwatch device-key: ${error.message} [${error.code}]`);
      return 2;
    }
    throw error;
  }
}
