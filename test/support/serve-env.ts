/**
 * The environment of a `sealwatch serve` child in tests and benchmarks: its own data folder, every
 * listener on a free port of 127.0.0.1, no embedded MQTT broker, the admin's password set.
 */
export function serveEnv(dataDir: string, adminPassword: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    SEALWATCH_DATA_DIR: dataDir,
    SEALWATCH_HTTP_PORT: "0",
    SEALWATCH_JT701_PORT: "0",
    SEALWATCH_TELTONIKA_PORT: "0",
    SEALWATCH_MQTT_ENABLED: "false",
    SEALWATCH_DEVICE_HOST: "127.0.0.1",
    SEALWATCH_ADMIN_PASSWORD: adminPassword,
  };
}
