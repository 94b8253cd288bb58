/**
 * The trader's or carrier's portal: their own company's trips (the API shows nothing else), where
 * their conveyances are, and the alarms on their cargo, read-only.
 */
import type { Map as MapLibreMap } from "maplibre-gl";
import { useCallback, useEffect } from "react";
import { api, query } from "../api/client.js";
import type { Trip } from "../api/types.js";
import { SeverityBadge, StateBadge } from "../components/badges.js";
import { useAsync } from "../components/use-async.js";
import { alarmLabel, dateTime, SEVERITY_RANK, time } from "../format.js";
import { FleetLayer } from "../map/fleet-layer.js";
import { MapView } from "../map/map-view.js";
import { addZones } from "../map/overlays.js";
import { href } from "../router.js";
import { useSession } from "../session.js";
import { useOpenAlarms, useZones, zoneName } from "./hooks.js";

export function TraderPortal() {
  const { me, store, config } = useSession();
  const zones = useZones();
  const alarms = useOpenAlarms(store);
  const trips = useAsync(() => api<{ items: Trip[] }>(`/trips${query({ limit: 200 })}`), []);
  useEffect(() => {
    let timer: number | undefined;
    const off = store.onTrip(() => {
      if (timer === undefined)
        timer = window.setTimeout(() => {
          timer = undefined;
          trips.reload();
        }, 1000);
    });
    return () => {
      off();
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [store, trips]);

  const onReady = useCallback(
    (map: MapLibreMap) => {
      if (zones !== undefined) addZones(map, zones);
      const layer = new FleetLayer(map, store);
      layer.attach();
      layer.fitWhenKnown(7);
      return () => layer.detach();
    },
    [store, zones],
  );

  const list = trips.data?.items ?? [];
  const worst = (tripId: string) =>
    alarms
      .filter((a) => a.tripId === tripId)
      .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity])[0]?.severity;
  return (
    <div className="page portal">
      <header className="page-head">
        <h1>Shipments of {me.companyId ?? "your company"}</h1>
        <p className="muted">
          Your sealed cargo under customs control: where it is, its state, and any alarm.
        </p>
      </header>
      <div className="portal-grid">
        <div className="portal-map">
          {zones !== undefined && (
            <MapView label="Map of your conveyances" tileStyleUrl={config.tileStyleUrl} onReady={onReady} />
          )}
        </div>
        <section aria-labelledby="portal-alarms">
          <h2 id="portal-alarms">Open alarms on your cargo ({alarms.length})</h2>
          {alarms.length === 0 ? (
            <p className="empty">None.</p>
          ) : (
            <ul className="plain">
              {alarms.map((a) => (
                <li key={a.id} className={`alarm compact sev-edge-${a.severity}`}>
                  <SeverityBadge severity={a.severity} /> <strong>{alarmLabel(a.type)}</strong> on{" "}
                  <a href={href({ view: "trip", tripId: a.tripId })}>{a.tripId}</a> · {time(a.raisedAt)} ·{" "}
                  {a.workflow}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <table className="trips">
        <caption>Your trips ({list.length})</caption>
        <thead>
          <tr>
            <th scope="col">Trip</th>
            <th scope="col">Route</th>
            <th scope="col">Conveyance</th>
            <th scope="col">State</th>
            <th scope="col">Alarm</th>
            <th scope="col">Armed</th>
            <th scope="col">Deadline</th>
          </tr>
        </thead>
        <tbody>
          {list.map((t) => (
            <tr key={t.id} data-trip-id={t.id}>
              <th scope="row">
                <a href={href({ view: "trip", tripId: t.id })}>{t.id}</a>
                <div className="muted small">{t.mrn ?? t.reference ?? ""}</div>
              </th>
              <td>
                {zoneName(zones, t.origin)} → {zoneName(zones, t.destination)}
              </td>
              <td>{t.conveyance?.registration ?? "—"}</td>
              <td>
                <StateBadge state={t.state} />
              </td>
              <td>{worst(t.id) === undefined ? "—" : <SeverityBadge severity={worst(t.id)} />}</td>
              <td>{dateTime(t.armedAt)}</td>
              <td>{dateTime(t.deadline)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
