/**
 * One trip: its declaration, the declared route with its corridor, the actual track, the offices
 * and rest areas, a timeline of readings, alarms, transitions and officers' actions, its alarms
 * (handled here too), and a replay slider that moves the conveyance along its track in time.
 */
import type { Map as MapLibreMap } from "maplibre-gl";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, ApiError, query } from "../api/client.js";
import type { Alarm, LiveReading, TimelineEntry, Trip } from "../api/types.js";
import { StateBadge } from "../components/badges.js";
import { alarmLabel, dateTime, time } from "../format.js";
import { boundsOf, lonLats } from "../map/geometry.js";
import { MapView } from "../map/map-view.js";
import { addZones, setMarkers, setRoute, setTrack, SEVERITY_COLORS } from "../map/overlays.js";
import { useSession } from "../session.js";
import {
  commandsTrips,
  companyName,
  handlesAlarms,
  useAssignees,
  useCompanies,
  useZones,
  zoneName,
} from "./hooks.js";
import { alarmPlace, TripAlarms } from "./trip-alarms.js";
import { TripCommands } from "./trip-commands.js";
import { InspectionPanel } from "./trip-inspection.js";
import { TripTimeline } from "./trip-timeline.js";

interface Fix {
  readonly atMs: number;
  readonly lon: number;
  readonly lat: number;
}

export function TripView({ tripId }: { tripId: string }) {
  const { me, store, config } = useSession();
  const zones = useZones();
  const users = useAssignees(me.role);
  const companies = useCompanies(me.role);
  const [trip, setTrip] = useState<Trip | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [fixes, setFixes] = useState<Fix[]>([]);
  const [timeline, setTimeline] = useState<TimelineEntry[]>([]);
  const [alarms, setAlarms] = useState<Alarm[]>([]);
  const [kinds, setKinds] = useState<ReadonlySet<string>>(new Set(["alarm", "transition", "action"]));
  const [replayMs, setReplayMs] = useState<number | undefined>();
  const [playing, setPlaying] = useState(false);
  const [mapReady, setMapReady] = useState(false);
  const [shownAlarm, setShownAlarm] = useState<string | undefined>();
  const map = useRef<MapLibreMap | undefined>(undefined);
  const id = encodeURIComponent(tripId);

  const loadHistory = useCallback(() => {
    void api<{ entries: TimelineEntry[] }>(`/trips/${id}/timeline${query({ limit: 20_000 })}`).then(
      (t) => {
        setTimeline(t.entries);
        setFixes(
          t.entries
            .filter((e) => e.kind === "reading" && e.position !== undefined)
            .map((e) => ({ atMs: Date.parse(e.at), lon: e.position![0], lat: e.position![1] }))
            .sort((a, b) => a.atMs - b.atMs),
        );
      },
      () => undefined,
    );
    void api<{ items: Alarm[] }>(
      `/alarms${query({ tripId: [tripId], includeRetracted: true, limit: 500 })}`,
    ).then(
      (r) => setAlarms(r.items),
      () => undefined,
    );
  }, [id, tripId]);

  useEffect(() => {
    api<Trip>(`/trips/${id}`).then(setTrip, (e: unknown) =>
      setError(
        e instanceof ApiError && e.status === 404 ? "No such trip (or it is not yours to see)." : String(e),
      ),
    );
    loadHistory();
  }, [id, loadHistory]);

  // Live: readings of the trip's devices extend the track; alarm and trip events refresh.
  useEffect(() => {
    let pending: number | undefined;
    const refresh = () => {
      if (pending !== undefined) return;
      pending = window.setTimeout(() => {
        pending = undefined;
        loadHistory();
      }, 1500);
    };
    const offReading = store.onReading((r: LiveReading) => {
      if (r.tripId !== tripId || r.position === undefined || !r.position.valid) return;
      const fix = { atMs: Date.parse(r.at), lon: r.position.lon, lat: r.position.lat };
      setFixes((previous) => {
        const next = [...previous, fix];
        if (previous.length > 0 && previous[previous.length - 1]!.atMs > fix.atMs)
          next.sort((a, b) => a.atMs - b.atMs);
        return next;
      });
      if (kinds.has("reading")) refresh();
    });
    const offTrip = store.onTrip((t) => {
      if (t.id === tripId) {
        setTrip(t);
        refresh();
      }
    });
    const offAlarms = store.onAlarmsChange(refresh);
    return () => {
      offReading();
      offTrip();
      offAlarms();
      if (pending !== undefined) window.clearTimeout(pending);
    };
  }, [store, tripId, loadHistory, kinds]);

  const range = useMemo(() => {
    const start = trip?.armedAt !== undefined ? Date.parse(trip.armedAt) : fixes[0]?.atMs;
    const end = trip?.closedAt !== undefined ? Date.parse(trip.closedAt) : fixes[fixes.length - 1]?.atMs;
    return start === undefined || end === undefined || end <= start ? undefined : { start, end };
  }, [trip, fixes]);

  const replayFix = useMemo(() => {
    if (fixes.length === 0) return undefined;
    if (replayMs === undefined) return fixes[fixes.length - 1];
    let found = fixes[0];
    for (const f of fixes) {
      if (f.atMs > replayMs) break;
      found = f;
    }
    return found;
  }, [fixes, replayMs]);

  // Replay playback: the whole trip in about 20 seconds.
  useEffect(() => {
    if (!playing || range === undefined) return;
    const stepMs = (range.end - range.start) / 200;
    const timer = window.setInterval(() => {
      setReplayMs((current) => {
        const next = (current ?? range.start) + stepMs;
        if (next >= range.end) {
          setPlaying(false);
          return range.end;
        }
        return next;
      });
    }, 100);
    return () => window.clearInterval(timer);
  }, [playing, range]);

  // An alarm to show on the map: flown to once the map is ready (instead of the route's framing).
  const [flyTo, setFlyTo] = useState<{ place: [number, number]; n: number } | undefined>();
  const showAlarm = useCallback((alarm: Alarm) => {
    setShownAlarm(alarm.id);
    const place = alarmPlace(alarm);
    if (place !== undefined) setFlyTo((previous) => ({ place, n: (previous?.n ?? 0) + 1 }));
  }, []);

  const onReady = useCallback((m: MapLibreMap) => {
    map.current = m;
    setMapReady(true);
  }, []);

  useEffect(() => {
    const m = map.current;
    if (m === undefined || !mapReady) return;
    if (zones !== undefined) addZones(m, zones);
    if (trip !== undefined) setRoute(m, trip.route.coordinates, trip.rules.corridorM ?? 1000);
    const shown = replayMs === undefined ? fixes : fixes.filter((f) => f.atMs <= replayMs);
    setTrack(
      m,
      shown.map((f) => [f.lon, f.lat]),
    );
    const alarmMarkers: GeoJSON.Feature[] = [];
    for (const alarm of alarms) {
      if (alarm.retracted) continue;
      const at = Date.parse(alarm.startedAt);
      if (replayMs !== undefined && at > replayMs) continue;
      // The evidence's place; alarms stored before evidence existed: the last fix before it began.
      let place = alarmPlace(alarm);
      if (place === undefined)
        for (const f of fixes) {
          if (f.atMs > at) break;
          place = [f.lon, f.lat];
        }
      if (place === undefined) continue;
      alarmMarkers.push({
        type: "Feature",
        properties: {
          color: SEVERITY_COLORS[alarm.severity],
          label: alarmLabel(alarm.type),
          radius: alarm.id === shownAlarm ? 9 : 6,
          alarm: alarm.id,
        },
        geometry: { type: "Point", coordinates: place },
      });
    }
    setMarkers(m, "alarm-markers", alarmMarkers);
    setMarkers(
      m,
      "position",
      replayFix === undefined
        ? []
        : [
            {
              type: "Feature",
              properties: {
                color: "#ffffff",
                radius: 8,
                label: time(new Date(replayFix.atMs).toISOString()),
              },
              geometry: { type: "Point", coordinates: [replayFix.lon, replayFix.lat] },
            },
          ],
    );
  }, [mapReady, zones, trip, fixes, alarms, replayMs, replayFix, shownAlarm]);

  // Frame the route once it is known.
  const framed = useRef(false);
  useEffect(() => {
    const m = map.current;
    if (m === undefined || !mapReady || flyTo === undefined) return;
    framed.current = true;
    m.flyTo({ center: flyTo.place, zoom: Math.max(m.getZoom(), 11), speed: 1.6 });
  }, [mapReady, flyTo]);
  useEffect(() => {
    const m = map.current;
    if (m === undefined || !mapReady || trip === undefined || framed.current) return;
    framed.current = true;
    m.resize();
    const bounds = boundsOf(lonLats(trip.route.coordinates));
    if (bounds === undefined) return;
    m.fitBounds(
      bounds,
      // Room at the bottom for the replay bar.
      { padding: { top: 50, left: 50, right: 50, bottom: 110 }, duration: 0 },
    );
  }, [mapReady, trip]);

  if (error !== undefined)
    return (
      <section className="page">
        <h1>Trip {tripId}</h1>
        <p role="alert" className="error">
          {error}
        </p>
      </section>
    );
  if (trip === undefined)
    return (
      <p className="loading" role="status">
        Loading trip…
      </p>
    );

  const canHandle = handlesAlarms(me.role);
  return (
    <div className="trip-view">
      <section className="trip-head" aria-labelledby="trip-title">
        <h1 id="trip-title">
          Trip {trip.id} <StateBadge state={trip.state} />
        </h1>
        <p>
          {zoneName(zones, trip.origin)} → {zoneName(zones, trip.destination)}
        </p>
        <dl className="facts">
          <dt>MRN</dt>
          <dd>{trip.mrn ?? trip.reference ?? "—"}</dd>
          <dt>Conveyance</dt>
          <dd>
            {trip.conveyance?.mode ?? "—"} {trip.conveyance?.registration ?? ""}{" "}
            {trip.conveyance?.driver !== undefined ? `(${trip.conveyance.driver})` : ""}
          </dd>
          <dt>Containers</dt>
          <dd>{trip.containers.join(", ") || "—"}</dd>
          <dt>Goods</dt>
          <dd>{trip.goodsDescription ?? "—"}</dd>
          <dt>Company</dt>
          <dd>{companyName(companies, trip.companyId)}</dd>
          {trip.carrierId !== undefined && (
            <>
              <dt>Carrier</dt>
              <dd>{companyName(companies, trip.carrierId)}</dd>
            </>
          )}
          <dt>Devices</dt>
          <dd>{trip.devices.join(", ")}</dd>
          <dt>Armed</dt>
          <dd>{dateTime(trip.armedAt)}</dd>
          <dt>Arrived</dt>
          <dd>{dateTime(trip.arrivedAt)}</dd>
          <dt>Deadline</dt>
          <dd>{dateTime(trip.deadline)}</dd>
          <dt>Corridor</dt>
          <dd>{trip.rules.corridorM ?? 1000} m each side of the route</dd>
        </dl>
        {commandsTrips(me.role) && <TripCommands trip={trip} onChanged={setTrip} />}
        <InspectionPanel
          trip={trip}
          canInspect={
            me.role === "supervisor" || (me.role === "officer" && me.offices.includes(trip.destination))
          }
          version={`${trip.updatedAt} ${alarms.map((a) => a.updatedAt).join(" ")}`}
        />
      </section>
      <div className="trip-map">
        <MapView
          label={`Map of trip ${trip.id}: declared route, corridor and actual track`}
          tileStyleUrl={config.tileStyleUrl}
          onReady={onReady}
        />
        {range !== undefined && (
          <div className="replay">
            <button
              type="button"
              onClick={() =>
                playing ? setPlaying(false) : (setReplayMs(replayMs ?? range.start), setPlaying(true))
              }
            >
              {playing ? "Pause" : "Play"}
            </button>
            <label htmlFor="replay-slider">Replay</label>
            <input
              id="replay-slider"
              type="range"
              min={range.start}
              max={range.end}
              step={Math.max(1000, Math.round((range.end - range.start) / 500))}
              value={replayMs ?? range.end}
              aria-valuetext={dateTime(new Date(replayMs ?? range.end).toISOString())}
              onChange={(e) => {
                setPlaying(false);
                setReplayMs(Number(e.target.value));
              }}
            />
            <output htmlFor="replay-slider">{dateTime(new Date(replayMs ?? range.end).toISOString())}</output>
            <button
              type="button"
              onClick={() => (setPlaying(false), setReplayMs(undefined))}
              disabled={replayMs === undefined}
            >
              Live
            </button>
          </div>
        )}
      </div>
      <TripAlarms
        alarms={alarms}
        users={users}
        canHandle={canHandle}
        selectedId={shownAlarm}
        onShow={showAlarm}
        onChanged={(updated) => {
          setAlarms((list) => list.map((x) => (x.id === updated.id ? updated : x)));
          store.apply({ kind: "alarm", change: "workflow", alarm: updated });
          loadHistory();
        }}
      />
      <TripTimeline
        timeline={timeline}
        alarms={alarms}
        users={users}
        replayMs={replayMs}
        kinds={kinds}
        onKinds={setKinds}
      />
    </div>
  );
}
