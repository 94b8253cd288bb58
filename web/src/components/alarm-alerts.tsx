/**
 * Alerts for critical alarms while the dashboard is open but not looked at: the browser's own
 * notification (asked for with a click, never on page load) and a short audible alert. The choice is
 * kept per browser (localStorage). A notification is tagged with the alarm id (the browser shows it
 * once), stays until dismissed, and opens the trip when clicked. Web push for a dashboard installed
 * as an app is delivered by the server (docs/notifications.md).
 */
import { useEffect, useRef, useState } from "react";
import type { Alarm } from "../api/types.js";
import { alarmLabel } from "../format.js";
import { navigate } from "../router.js";
import { useSession } from "../session.js";

const STORAGE_KEY = "sealwatch.alarmAlerts";

type AlertState = "off" | "on" | "denied" | "unsupported";

function initialState(): AlertState {
  if (typeof Notification === "undefined") return "unsupported";
  if (Notification.permission === "denied") return "denied";
  return Notification.permission === "granted" && localStorage.getItem(STORAGE_KEY) === "on" ? "on" : "off";
}

/** Three short high tones: audible over a control room's noise, not alarming to neighbours. */
function beep(context: AudioContext): void {
  const start = context.currentTime;
  for (let i = 0; i < 3; i++) {
    const tone = context.createOscillator();
    const gain = context.createGain();
    tone.frequency.value = 880;
    gain.gain.value = 0.2;
    tone.connect(gain).connect(context.destination);
    tone.start(start + i * 0.3);
    tone.stop(start + i * 0.3 + 0.18);
  }
}

export function AlarmAlerts() {
  const { store } = useSession();
  const [state, setState] = useState<AlertState>(initialState);
  const audio = useRef<AudioContext | undefined>(undefined);

  useEffect(() => {
    if (state !== "on") return undefined;
    return store.onAlarmRaised((alarm: Alarm) => {
      if (alarm.severity !== "critical") return;
      const notification = new Notification(`Critical alarm: ${alarmLabel(alarm.type)}`, {
        body: `Trip ${alarm.tripId}`,
        tag: alarm.id,
        requireInteraction: true,
      });
      notification.onclick = () => {
        window.focus();
        navigate({ view: "trip", tripId: alarm.tripId });
        notification.close();
      };
      if (audio.current !== undefined) beep(audio.current);
    });
  }, [store, state]);

  const toggle = async (): Promise<void> => {
    if (state === "on") {
      localStorage.setItem(STORAGE_KEY, "off");
      setState("off");
      return;
    }
    // Browsers allow sound only after a gesture: this click is it.
    audio.current ??= new AudioContext();
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      setState(permission === "denied" ? "denied" : "off");
      return;
    }
    localStorage.setItem(STORAGE_KEY, "on");
    setState("on");
  };

  if (state === "unsupported") return null;
  return (
    <button
      type="button"
      className="alarm-alerts"
      aria-pressed={state === "on"}
      disabled={state === "denied"}
      title={state === "denied" ? "Notifications are blocked in this browser's site settings" : undefined}
      onClick={() => void toggle()}
    >
      {state === "on"
        ? "Critical alerts on"
        : state === "denied"
          ? "Alerts blocked"
          : "Turn on critical alerts"}
    </button>
  );
}
