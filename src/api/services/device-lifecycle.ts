/** The device lifecycle: in stock → assigned → in use → maintenance → retired, by allowed steps only. */
import type { DeviceLifecycle } from "../../store/ports.js";

export const LIFECYCLE_TRANSITIONS: Readonly<Record<DeviceLifecycle, readonly DeviceLifecycle[]>> = {
  in_stock: ["assigned", "maintenance", "retired"],
  assigned: ["in_stock", "in_use", "maintenance"],
  in_use: ["in_stock", "assigned", "maintenance"],
  maintenance: ["in_stock", "retired"],
  retired: [],
};

/** Why the step is not allowed, or null. */
export function lifecycleRefusal(from: DeviceLifecycle, to: DeviceLifecycle): string | null {
  if (from === to) return `the device is already ${to}`;
  if (LIFECYCLE_TRANSITIONS[from].includes(to)) return null;
  const allowed = LIFECYCLE_TRANSITIONS[from];
  return `a device ${from} cannot become ${to} (allowed: ${allowed.length === 0 ? "none, retirement is final" : allowed.join(", ")})`;
}
