/**
 * A customs office's desk: the trips departing from it (declared ones to arm, armed and under way)
 * and arriving at it (on the road, arrived ones to disarm), with the latest closed ones. An officer
 * sees their own offices; supervisors and administrators choose any office.
 */
import { useEffect, useMemo } from "react";
import { api, query } from "../api/client.js";
import type { Trip, TripState } from "../api/types.js";
import { SeverityBadge, StateBadge } from "../components/badges.js";
import { useNow } from "../components/clock.js";
import { useAsync } from "../components/use-async.js";
import { clock, dateTime, SEVERITY_RANK } from "../format.js";
import { href, navigate } from "../router.js";
import { useSession } from "../session.js";
import { commandsTrips, useOpenAlarms, useZones, zoneName } from "./hooks.js";
import { TripCommands } from "./trip-commands.js";

function TripTable({
  caption,
  trips,
  states,
  other,
  emptyText,
}: {
  caption: string;
  trips: readonly Trip[];
  states: readonly TripState[];
  other: "origin" | "destination";
  emptyText: string;
}) {
  const { me, store } = useSession();
  const zones = useZones();
  const alarms = useOpenAlarms(store);
  const now = useNow();
  const rows = trips.filter((t) => states.includes(t.state));
  const worst = (tripId: string) =>
    alarms
      .filter((a) => a.tripId === tripId)
      .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity])[0]?.severity;
  return (
    <table className="trips">
      <caption>
        {caption} ({rows.length})
      </caption>
      <thead>
        <tr>
          <th scope="col">Trip</th>
          <th scope="col">{other === "destination" ? "To" : "From"}</th>
          <th scope="col">Conveyance</th>
          <th scope="col">State</th>
          <th scope="col">Alarm</th>
          <th scope="col">Deadline</th>
          <th scope="col">Action</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={7} className="empty">
              {emptyText}
            </td>
          </tr>
        ) : (
          rows.map((t) => {
            const leftS = (Date.parse(t.deadline) - now) / 1000;
            return (
              <tr key={t.id} data-trip-id={t.id}>
                <th scope="row">
                  <a href={href({ view: "trip", tripId: t.id })}>{t.id}</a>
                  <div className="muted small">{t.mrn ?? t.reference ?? ""}</div>
                </th>
                <td>{zoneName(zones, other === "destination" ? t.destination : t.origin)}</td>
                <td>{t.conveyance?.registration ?? "—"}</td>
                <td>
                  <StateBadge state={t.state} />
                </td>
                <td>{worst(t.id) === undefined ? "—" : <SeverityBadge severity={worst(t.id)} />}</td>
                <td>
                  {dateTime(t.deadline)}
                  {t.state !== "closed" && t.state !== "cancelled" && (
                    <div className={leftS < 0 ? "timer late" : "muted small"}>
                      {leftS < 0 ? `overdue ${clock(-leftS)}` : `${clock(leftS)} left`}
                    </div>
                  )}
                </td>
                <td>
                  {commandsTrips(me.role) ? <TripCommands trip={t} onChanged={() => undefined} /> : "—"}
                </td>
              </tr>
            );
          })
        )}
      </tbody>
    </table>
  );
}

export function OfficeView({ officeId }: { officeId: string | undefined }) {
  const { me, store } = useSession();
  const zones = useZones();
  const offices = useMemo(() => {
    const all = (zones ?? []).filter((z) => z.properties.kind === "office").map((z) => z.id);
    return me.role === "officer" ? me.offices.filter((o) => all.length === 0 || all.includes(o)) : all;
  }, [zones, me]);
  const current = officeId ?? offices[0];
  useEffect(() => {
    if (officeId === undefined && current !== undefined) navigate({ view: "office", officeId: current });
  }, [officeId, current]);
  const trips = useAsync(
    () =>
      current === undefined
        ? Promise.resolve({ items: [] as Trip[] })
        : api<{ items: Trip[] }>(`/trips${query({ office: current, limit: 300 })}`),
    [current],
  );
  // Trip changes at this office come over the live stream.
  useEffect(() => {
    let timer: number | undefined;
    const off = store.onTrip((t) => {
      if (t.origin !== current && t.destination !== current) return;
      if (timer === undefined)
        timer = window.setTimeout(() => {
          timer = undefined;
          trips.reload();
        }, 800);
    });
    return () => {
      off();
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [store, current, trips]);

  const list = trips.data?.items ?? [];
  const departing = list.filter((t) => t.origin === current);
  const arriving = list.filter((t) => t.destination === current);
  return (
    <div className="page office-view">
      <header className="page-head">
        <h1>{current === undefined ? "Offices" : zoneName(zones, current)}</h1>
        <label htmlFor="office-select">Office</label>
        <select
          id="office-select"
          value={current ?? ""}
          onChange={(e) => navigate({ view: "office", officeId: e.target.value })}
        >
          {offices.map((o) => (
            <option key={o} value={o}>
              {zoneName(zones, o)} ({o})
            </option>
          ))}
        </select>
        <button type="button" onClick={trips.reload}>
          Refresh
        </button>
      </header>
      {trips.error !== undefined && (
        <p role="alert" className="error">
          {trips.error}
        </p>
      )}
      <section aria-labelledby="departing-title">
        <h2 id="departing-title">Departing</h2>
        <TripTable
          caption="Declared, waiting to be armed"
          trips={departing}
          states={["declared"]}
          other="destination"
          emptyText="No trip waits to be armed."
        />
        <TripTable
          caption="Armed and under way"
          trips={departing}
          states={["armed", "in_transit", "arrived"]}
          other="destination"
          emptyText="No trip under way."
        />
      </section>
      <section aria-labelledby="arriving-title">
        <h2 id="arriving-title">Arriving</h2>
        <TripTable
          caption="Arrived, waiting to be disarmed"
          trips={arriving}
          states={["arrived"]}
          other="origin"
          emptyText="No trip waits to be disarmed."
        />
        <TripTable
          caption="On the way here"
          trips={arriving}
          states={["armed", "in_transit"]}
          other="origin"
          emptyText="No trip on the way."
        />
      </section>
      <section aria-labelledby="closed-title">
        <h2 id="closed-title">Recently closed</h2>
        <TripTable
          caption="Closed or cancelled"
          trips={list.slice(0, 200)}
          states={["closed", "cancelled"]}
          other="destination"
          emptyText="Nothing closed yet."
        />
      </section>
    </div>
  );
}
