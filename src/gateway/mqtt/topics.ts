/** The MQTT topics of device readings: `sealwatch/devices/{deviceId}/readings`. */

export const READINGS_TOPIC_FILTER = "sealwatch/devices/+/readings";

const READINGS_TOPIC = /^sealwatch\/devices\/([!-~]{1,128})\/readings$/;

/** The topic a device publishes its readings on. */
export function readingsTopic(deviceId: string): string {
  return `sealwatch/devices/${deviceId}/readings`;
}

/** The device a readings topic names, or undefined when the topic is not one. */
export function deviceIdOfTopic(topic: string): string | undefined {
  const id = READINGS_TOPIC.exec(topic)?.[1];
  return id === undefined || /[/+#]/.test(id) ? undefined : id;
}
