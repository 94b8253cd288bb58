/**
 * The control room: every monitored conveyance on a live map (clustered at low zoom, coloured by its
 * worst open alarm) beside the alarm queue. Choosing an alarm flies the map to its conveyance and
 * draws the declared route; clicking a conveyance shows its card.
 */
import type { Map as MapLibreMap } from "maplibre-gl";
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api/client.js";
import type { Alarm, Trip } from "../api/types.js";
import { AlarmQueue } from "../components/alarm-queue.js";
import { SeverityBadge, StateBadge } from "../components/badges.js";
import { useNow } from "../components/clock.js";
import { clock } from "../format.js";
import type { FleetStore } from "../live/fleet-store.js";
import { FleetLayer } from "../map/fleet-layer.js";
import { MapView } from "../map/map-view.js";
import { addZones, setRoute } from "../map/overlays.js";
import { href } from "../router.js";
import { useSession } from "../session.js";
import { handlesAlarms, useAssignees, useOpenAlarms, useZones, zoneName } from "./hooks.js";

function useFleetSummary(store: FleetStore) {
  const [summary, setSummary] = useState({ conveyances: 0, positioned: 0, readingsPerS: 0 });
  useEffect(() => {
    let last = store.readingsApplied;
    let lastAt = performance.now();
    const timer = window.setInterval(() => {
      const now = performance.now();
      const rate = ((store.readingsApplied - last) * 1000) / Math.max(1, now - lastAt);
      last = store.readingsApplied;
      lastAt = now;
      let positioned = 0;
      for (const c of store.conveyances.values()) if (c.lon !== undefined) positioned++;
      setSummary({ conveyances: store.conveyances.size, positioned, readingsPerS: rate });
    }, 1000);
    return () => window.clearInterval(timer);
  }, [store]);
  return summary;
}

function ConveyanceCard({ deviceId, onClose }: { deviceId: string; onClose: () => void }) {
  const { store } = useSession();
  const zones = useZones();
  const now = useNow();
  const c = store.conveyances.get(deviceId);
  if (c === undefined) return null;
  return (
    <section className="conveyance-card" aria-label={`Conveyance ${c.registration ?? deviceId}`}>
      <header>
        <h3>{c.registration ?? c.deviceId}</h3>
        <button type="button" className="icon" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      <p>
        <StateBadge state={c.state} /> <SeverityBadge severity={c.worst} />
      </p>
      <dl>
        <dt>Trip</dt>
        <dd>
          <a href={href({ view: "trip", tripId: c.tripId })}>{c.tripId}</a>
        </dd>
        <dt>Route</dt>
        <dd>
          {zoneName(zones, c.origin)} → {zoneName(zones, c.destination)}
        </dd>
        <dt>Device</dt>
        <dd>{c.deviceId}</dd>
        <dt>Last report</dt>
        <dd>
          {c.atMs === undefined
            ? "—"
            : `${clock((now - c.atMs) / 1000)} ago, ${Math.round(c.speedKmh ?? 0)} km/h`}
        </dd>
        <dt>Open alarms</dt>
        <dd>{store.alarmsOf(c.tripId).length}</dd>
      </dl>
    </section>
  );
}

export function ControlRoom() {
  const { store, me, config } = useSession();
  const alarms = useOpenAlarms(store);
  const users = useAssignees(me.role);
  const zones = useZones();
  const summary = useFleetSummary(store);
  const [selected, setSelected] = useState<Alarm | undefined>();
  const [picked, setPicked] = useState<string | undefined>();
  const map = useRef<MapLibreMap | undefined>(undefined);
  const layer = useRef<FleetLayer | undefined>(undefined);
  const [mapReady, setMapReady] = useState(false);

  const onReady = useCallback(
    (m: MapLibreMap) => {
      map.current = m;
      const fleet = new FleetLayer(m, store, { onSelect: (deviceId) => setPicked(deviceId) });
      fleet.attach();
      fleet.fitWhenKnown();
      layer.current = fleet;
      // Reachable from the browser tests and the frame-time benchmark (read only).
      (window as unknown as { __sealwatchFleetLayer?: FleetLayer }).__sealwatchFleetLayer = fleet;
      setMapReady(true);
      return () => fleet.detach();
    },
    [store],
  );

  useEffect(() => {
    const m = map.current;
    if (m === undefined || zones === undefined) return;
    addZones(m, zones);
    // The fleet stays above the zones.
    for (const id of ["fleet-clusters", "fleet-cluster-count", "fleet-points", "fleet-labels"])
      if (m.getLayer(id)) m.moveLayer(id);
  }, [zones, mapReady]);

  const select = useCallback(
    (alarm: Alarm) => {
      setSelected(alarm);
      const m = map.current;
      const c = alarm.deviceId === null ? undefined : store.conveyances.get(alarm.deviceId);
      const target = c ?? [...store.conveyances.values()].find((x) => x.tripId === alarm.tripId);
      layer.current?.select(target?.deviceId);
      if (m !== undefined && target?.lon !== undefined && target.lat !== undefined)
        m.flyTo({ center: [target.lon, target.lat], zoom: Math.max(m.getZoom(), 8.5), speed: 1.6 });
      void api<Trip>(`/trips/${encodeURIComponent(alarm.tripId)}`).then(
        (trip) => {
          if (map.current !== undefined)
            setRoute(map.current, trip.route.coordinates, trip.rules.corridorM ?? 1000);
        },
        () => undefined,
      );
    },
    [store],
  );

  return (
    <div className="control-room">
      <section className="summary-strip" aria-label="Fleet summary">
        <p>
          <strong>{summary.conveyances}</strong> monitored conveyances
        </p>
        <p>
          <strong>{alarms.filter((a) => a.workflow === "open").length}</strong> alarms to acknowledge
        </p>
        <p>
          <strong>{alarms.filter((a) => a.severity === "critical").length}</strong> critical
        </p>
        <p>
          <strong>{summary.readingsPerS.toFixed(1)}</strong> readings/s
        </p>
        <ul className="legend inline" aria-label="Map colours: worst open alarm">
          {(["critical", "high", "medium", "low"] as const).map((s) => (
            <li key={s}>
              <span className={`swatch sev-bg-${s}`} aria-hidden="true" />
              {s}
            </li>
          ))}
          <li>
            <span className="swatch sev-bg-none" aria-hidden="true" />
            no alarm
          </li>
        </ul>
      </section>
      <div className="map-pane">
        <MapView label="Map of monitored conveyances" tileStyleUrl={config.tileStyleUrl} onReady={onReady} />
        {picked !== undefined && <ConveyanceCard deviceId={picked} onClose={() => setPicked(undefined)} />}
      </div>
      <AlarmQueue
        alarms={alarms}
        users={users}
        canHandle={handlesAlarms(me.role)}
        selectedId={selected?.id}
        onSelect={select}
        onAction={(alarm) => store.apply({ kind: "alarm", cursor: -1, change: "workflow", alarm })}
      />
    </div>
  );
}
