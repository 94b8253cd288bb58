/**
 * The shell: a skip link, the header with the views the user's role may open, the live-stream
 * status, a polite live region that announces new alarms, and the current view.
 */
import { useEffect, useState } from "react";
import type { Role } from "./api/types.js";
import { AlarmAlerts } from "./components/alarm-alerts.js";
import { alarmLabel, ROLE_LABELS } from "./format.js";
import { href, navigate, useRoute, type Route } from "./router.js";
import { useAuth, useSession } from "./session.js";
import { AuditView } from "./views/audit-view.js";
import { ControlRoom } from "./views/control-room.js";
import { KpiView } from "./views/kpi-view.js";
import { LoginView } from "./views/login-view.js";
import { OfficeView } from "./views/office-view.js";
import { TraderPortal } from "./views/trader-portal.js";
import { TrainingView } from "./views/training-view.js";
import { TripView } from "./views/trip-view.js";

interface NavItem {
  readonly route: Route;
  readonly label: string;
  readonly roles: readonly Role[];
}

const NAV: readonly NavItem[] = [
  {
    route: { view: "control" },
    label: "Control room",
    roles: ["admin", "supervisor", "operator", "officer"],
  },
  { route: { view: "office" }, label: "Offices", roles: ["admin", "supervisor", "officer", "operator"] },
  { route: { view: "kpis" }, label: "KPIs", roles: ["admin", "supervisor", "operator", "officer"] },
  { route: { view: "audit" }, label: "Audit log", roles: ["admin", "supervisor"] },
  { route: { view: "portal" }, label: "My shipments", roles: ["trader"] },
  {
    route: { view: "training" },
    label: "Training",
    roles: ["supervisor", "officer", "operator", "instructor"],
  },
];

/** Where a role lands after logging in. */
export function homeOf(role: Role): Route {
  if (role === "trader") return { view: "portal" };
  if (role === "officer") return { view: "office" };
  if (role === "instructor") return { view: "training" };
  return { view: "control" };
}

function Announcer() {
  const { store } = useSession();
  const [message, setMessage] = useState("");
  useEffect(
    () =>
      store.onAlarmRaised((alarm) => {
        if (alarm.severity === "critical" || alarm.severity === "high")
          setMessage(`New ${alarm.severity} alarm: ${alarmLabel(alarm.type)} on trip ${alarm.tripId}`);
      }),
    [store],
  );
  return (
    <div className="visually-hidden" role="status" aria-live="polite">
      {message}
    </div>
  );
}

function Shell() {
  const session = useSession();
  const route = useRoute();
  const { me } = session;
  const items = NAV.filter((item) => item.roles.includes(me.role));
  const allowed = (r: Route): boolean =>
    r.view === "trip" || items.some((item) => item.route.view === r.view);
  useEffect(() => {
    if (route.view === "home" || route.view === "login" || !allowed(route)) navigate(homeOf(me.role));
  });
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="app-header">
        <a className="brand" href={href(homeOf(me.role))}>
          <span className="logo" aria-hidden="true" /> Sealwatch
        </a>
        <nav aria-label="Views">
          <ul>
            {items.map((item) => (
              <li key={item.label}>
                <a href={href(item.route)} aria-current={route.view === item.route.view ? "page" : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header-right">
          {me.role !== "instructor" && (
            <span className={`live-status live-${session.status}`} role="status">
              <span className="dot" aria-hidden="true" />
              {session.status === "live"
                ? "Live"
                : session.status === "connecting"
                  ? "Connecting…"
                  : "Reconnecting…"}
            </span>
          )}
          {me.role !== "trader" && me.role !== "instructor" && <AlarmAlerts />}
          <span className="who">
            {me.name} · {ROLE_LABELS[me.role]}
            {me.offices.length > 0 ? ` · ${me.offices.join(", ")}` : ""}
            {me.companyId !== undefined ? ` · ${me.companyId}` : ""}
          </span>
          <button type="button" onClick={session.logout}>
            Log out
          </button>
        </div>
      </header>
      <Announcer />
      <main id="main" tabIndex={-1}>
        {route.view === "control" && allowed(route) && <ControlRoom />}
        {route.view === "trip" && <TripView key={route.tripId} tripId={route.tripId} />}
        {route.view === "office" && allowed(route) && <OfficeView officeId={route.officeId} />}
        {route.view === "portal" && allowed(route) && <TraderPortal />}
        {route.view === "kpis" && allowed(route) && <KpiView />}
        {route.view === "audit" && allowed(route) && <AuditView />}
        {route.view === "training" && allowed(route) && <TrainingView sessionId={route.sessionId} />}
      </main>
    </>
  );
}

export function App() {
  const { session, checking } = useAuth();
  if (checking)
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  if (session === undefined) return <LoginView />;
  return <Shell />;
}
