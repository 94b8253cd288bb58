/**
 * The logged-in session: who the user is, the dashboard settings, and (for everyone who may follow
 * the live stream) the fleet store kept current by the stream, loaded from a snapshot first and
 * reloaded whenever the stream says it cannot resume.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, getToken, query, sessionEnded, setToken, setUnauthenticatedHandler } from "./api/client.js";
import type { Alarm, DashboardConfig, FleetItem, Me, Trip, User } from "./api/types.js";
import { FleetStore } from "./live/fleet-store.js";
import { LiveStream, type StreamStatus } from "./live/stream.js";

export interface SessionValue {
  readonly me: Me;
  readonly config: DashboardConfig;
  readonly store: FleetStore;
  readonly status: StreamStatus;
  readonly logout: () => void;
}

interface AuthValue {
  readonly session: SessionValue | undefined;
  readonly checking: boolean;
  readonly login: (username: string, password: string) => Promise<void>;
}

const AuthContext = createContext<AuthValue | undefined>(undefined);

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (value === undefined) throw new Error("useAuth outside SessionProvider");
  return value;
}

export function useSession(): SessionValue {
  const session = useAuth().session;
  if (session === undefined) throw new Error("useSession without a session");
  return session;
}

async function loadSnapshot(store: FleetStore): Promise<string> {
  const [fleet, alarms] = await Promise.all([
    api<{ items: FleetItem[]; cursor: string }>("/dashboard/fleet"),
    api<{ items: Alarm[] }>(`/alarms${query({ state: ["open", "acknowledged"], limit: 1000 })}`),
  ]);
  store.load(fleet.items, alarms.items);
  return fleet.cursor;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | undefined>();
  const [config, setConfig] = useState<DashboardConfig | undefined>();
  const [checking, setChecking] = useState(getToken() !== undefined);
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const [store, setStore] = useState<FleetStore | undefined>();

  const logout = useCallback(() => {
    if (getToken() !== undefined)
      void api("/auth/logout", { method: "POST", body: {} }).catch(() => undefined);
    setToken(undefined);
    setMe(undefined);
    setStore(undefined);
    location.hash = "#/login";
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setToken(undefined);
      setMe(undefined);
      setStore(undefined);
      location.hash = "#/login";
    });
    void api<DashboardConfig>("/dashboard/config").then(setConfig, () =>
      setConfig({
        ackTargetsS: { critical: 120, high: 300, medium: 900, low: 3600 },
        serverTime: new Date().toISOString(),
      }),
    );
    if (getToken() === undefined) return;
    api<Me>("/auth/me")
      .then(setMe, () => setToken(undefined))
      .finally(() => setChecking(false));
  }, []);

  // The fleet store and its stream live as long as the login.
  useEffect(() => {
    if (me === undefined || me.role === "gateway") return;
    let stream: LiveStream | undefined;
    const fleet = new FleetStore((tripId) => {
      void api<Trip>(`/trips/${encodeURIComponent(tripId)}`).then(
        (trip) => fleet.applyTrip(trip),
        () => undefined,
      );
    });
    if (me.role === "instructor") {
      // Instructors see training workspaces only: no live fleet, so no live stream (it refuses them).
      setStore(fleet);
      return;
    }
    let closed = false;
    const reload = () => loadSnapshot(fleet);
    stream = new LiveStream(getToken, {
      onEvent: (event) => fleet.apply(event),
      onReset: () => void reload(),
      onStatus: setStatus,
      onEnded: sessionEnded,
    });
    reload().then(
      (cursor) => {
        if (!closed) stream?.start(cursor);
      },
      () => {
        if (!closed) stream?.start(undefined);
      },
    );
    setStore(fleet);
    // Reachable from the browser tests and the frame-time benchmark (read only).
    (window as unknown as { __sealwatchStore?: FleetStore }).__sealwatchStore = fleet;
    return () => {
      closed = true;
      stream?.close();
      stream = undefined;
    };
  }, [me]);

  const login = useCallback(async (username: string, password: string) => {
    const result = await api<{ token: string; user: User }>("/auth/login", { body: { username, password } });
    if (result.user.role === "gateway")
      throw new Error("This account is a device gateway: it has no dashboard.");
    setToken(result.token);
    setMe(await api<Me>("/auth/me"));
  }, []);

  const value = useMemo<AuthValue>(
    () => ({
      session:
        me === undefined || config === undefined || store === undefined
          ? undefined
          : { me, config, store, status, logout },
      checking: checking || (me !== undefined && (config === undefined || store === undefined)),
      login,
    }),
    [me, config, store, status, logout, login, checking],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
