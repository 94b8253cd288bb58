/**
 * The control room: every monitored conveyance on a live map (clustered at low zoom, coloured by its
 * worst open alarm) beside the alarm queue. Choosing an alarm flies the map to where it happened
 * (its evidence's place, not the device's position now), marks the place, draws the declared route
 * and says when the trip is already over; clicking a conveyance shows its card. The first view
 * frames the viewer's region: the conveyances of their offices' trips, else the largest group.
 */
import type { Map as MapLibreMap } from "maplibre-gl";
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api/client.js";
import type { Alarm, Trip } from "../api/types.js";
import { AlarmQueue } from "../components/alarm-queue.js";
import { SeverityBadge, StateBadge } from "../components/badges.js";
import { useNow } from "../components/clock.js";
import { alarmLabel, clock, dateTime, place as placeText } from "../format.js";
import type { FleetStore } from "../live/fleet-store.js";
import { FleetLayer } from "../map/fleet-layer.js";
import { MapView } from "../map/map-view.js";
import { boundsOf, largestGroup, lonLats } from "../map/geometry.js";
import { addZones, setMarkers, setRoute, SEVERITY_COLORS } from "../map/overlays.js";
import { href } from "../router.js";
import { useSession } from "../session.js";
import { handlesAlarms, useAssignees, useOpenAlarms, useZones, zoneName } from "./hooks.js";
import { alarmPlace } from "./trip-alarms.js";

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

/** Over the map: where the chosen alarm happened, and whether its trip is already over. */
function AlarmPlaceNotice({ alarm, trip }: { alarm: Alarm; trip: Trip | undefined }) {
  const place = alarmPlace(alarm);
  const ended = trip?.closedAt ?? trip?.cancelledAt;
  return (
    <div className="map-notice" role="status" data-alarm-id={alarm.id}>
      <strong>{alarmLabel(alarm.type)}</strong>{" "}
      {place === undefined
        ? "— no position recorded for this alarm; the map shows its trip."
        : `at ${placeText(place)}, ${dateTime(alarm.evidence?.began.at ?? alarm.startedAt)}.`}
      {trip !== undefined && ended !== undefined && (
        <span className="trip-closed">
          {" "}
          Trip {trip.id} is {trip.state === "cancelled" ? "cancelled" : "closed"} since {dateTime(ended)}: the
          device may be elsewhere now.
        </span>
      )}
    </div>
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
  const [alarmTrip, setAlarmTrip] = useState<Trip | undefined>();

  const onReady = useCallback(
    (m: MapLibreMap) => {
      map.current = m;
      const fleet = new FleetLayer(m, store, { onSelect: (deviceId) => setPicked(deviceId) });
      fleet.attach();
      const offices = new Set(me.offices);
      fleet.fitWhenKnown(8, (known) =>
        offices.size > 0
          ? known.filter((c) => offices.has(c.origin) || offices.has(c.destination))
          : largestGroup(known, (c) => [c.lon!, c.lat!]),
      );
      layer.current = fleet;
      // Reachable from the browser tests and the frame-time benchmark (read only).
      (window as unknown as { __sealwatchFleetLayer?: FleetLayer }).__sealwatchFleetLayer = fleet;
      setMapReady(true);
      return () => fleet.detach();
    },
    [store, me.offices],
  );

  useEffect(() => {
    const m = map.current;
    if (m === undefined || zones === undefined) return;
    addZones(m, zones);
    // The fleet stays above the zones.
    for (const id of [
      "fleet-clusters",
      "fleet-cluster-count",
      "fleet-points",
      "fleet-labels",
      "alarm-place-circle",
      "alarm-place-label",
    ])
      if (m.getLayer(id)) m.moveLayer(id);
  }, [zones, mapReady]);

  const select = useCallback((alarm: Alarm) => {
    setSelected(alarm);
    setAlarmTrip(undefined);
    void api<Trip>(`/trips/${encodeURIComponent(alarm.tripId)}`).then(setAlarmTrip, () => undefined);
  }, []);

  // The chosen alarm on the map, once the map is ready (an alarm may be picked before it is).
  useEffect(() => {
    const m = map.current;
    if (m === undefined || !mapReady || selected === undefined) return;
    // The conveyance only while its device still carries this alarm's trip.
    const onTrip = [...store.conveyances.values()].filter((x) => x.tripId === selected.tripId);
    const c = onTrip.find((x) => x.deviceId === selected.deviceId) ?? onTrip[0];
    layer.current?.stopFitting();
    layer.current?.select(c?.deviceId);
    // Where it happened (the evidence), not where the device is now.
    const place = alarmPlace(selected);
    setMarkers(
      m,
      "alarm-place",
      place === undefined
        ? []
        : [
            {
              type: "Feature",
              properties: {
                color: SEVERITY_COLORS[selected.severity],
                radius: 9,
                label: alarmLabel(selected.type),
              },
              geometry: { type: "Point", coordinates: place },
            },
          ],
    );
    const target = place ?? (c?.lon !== undefined && c.lat !== undefined ? [c.lon, c.lat] : undefined);
    if (target !== undefined) m.flyTo({ center: target, zoom: Math.max(m.getZoom(), 9), speed: 1.6 });
  }, [mapReady, selected, store]);

  // Its trip's route; the route frames the view when nothing places the alarm.
  useEffect(() => {
    const m = map.current;
    if (m === undefined || !mapReady || alarmTrip === undefined) return;
    setRoute(m, alarmTrip.route.coordinates, alarmTrip.rules.corridorM ?? 1000);
    const placed =
      selected !== undefined &&
      (alarmPlace(selected) !== undefined ||
        [...store.conveyances.values()].some((x) => x.tripId === selected.tripId && x.lon !== undefined));
    const bounds = placed ? undefined : boundsOf(lonLats(alarmTrip.route.coordinates));
    if (bounds !== undefined) m.fitBounds(bounds, { padding: 60, maxZoom: 9 });
    // Only when the trip is read: a moving conveyance does not move the view again.
  }, [mapReady, alarmTrip]);

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
        {selected !== undefined && (
          <AlarmPlaceNotice
            alarm={selected}
            trip={alarmTrip?.id === selected.tripId ? alarmTrip : undefined}
          />
        )}
        {picked !== undefined && <ConveyanceCard deviceId={picked} onClose={() => setPicked(undefined)} />}
      </div>
      <AlarmQueue
        alarms={alarms}
        users={users}
        canHandle={handlesAlarms(me.role)}
        selectedId={selected?.id}
        onSelect={select}
        onAction={(alarm) => store.apply({ kind: "alarm", change: "workflow", alarm })}
      />
    </div>
  );
}
