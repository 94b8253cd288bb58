/**
 * One abusive connection must cost the other devices at most a bounded share: a Teltonika tracker
 * logged in with a registered IMEI that streams 0xff pings as fast as TCP takes them once took good
 * devices from ~20 acknowledgements a second to none, and froze the process. Measured as counts of
 * acknowledged frames against a baseline in the same test (no wall-clock thresholds), plus the
 * flooder's fate: held to its budget, then disconnected.
 *
 * Also here: sockets that never log in cannot lock a registered device out (login timeout, a limit
 * per address, the oldest idle connection making room when the listener is full).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { buildLogin } from "../protocols/support/teltonika-builder.js";
import { frame, record, SEALED } from "./jointech-frames.js";
import {
  corridorRegistry,
  device,
  DeviceClient,
  eventually,
  ORIGIN,
  sleep,
  startStack,
  type Stack,
} from "./support.js";

const FLOOD_IMEI = "356307042441901";
const LOCKS = ["8100000901", "8100000902", "8100000903"];

/** Good devices doing request–answer round trips until `stop()`; counts the answers. */
async function goodTraffic(stack: Stack, clients: DeviceClient[], windowMs: number): Promise<number> {
  let answered = 0;
  let stopped = false;
  const runs = clients.map(async (client, k) => {
    for (let serial = 1; !stopped; serial++) {
      const n = serial % 256;
      const before = client.text.length;
      await client.send(frame(LOCKS[k]!, n, record(Date.now() - 10_000 + serial, ORIGIN, SEALED)));
      await client.until((r) => r.length > before && r.toString("latin1").endsWith(`,${n})`), 30_000);
      answered++;
    }
  });
  await sleep(windowMs);
  stopped = true;
  await Promise.all(runs);
  assert.ok(stack.gateway.ports.jt701 !== undefined);
  return answered;
}

/** Writes 0xff pings as fast as the socket takes them, until closed. */
function flood(socket: Socket): Promise<number> {
  const pings = Buffer.alloc(64 * 1024, 0xff);
  let written = 0;
  return new Promise((resolve) => {
    const pump = (): void => {
      while (!socket.destroyed) {
        written += pings.length;
        if (!socket.write(pings)) {
          socket.once("drain", pump);
          return;
        }
      }
    };
    socket.on("error", () => undefined);
    socket.once("close", () => resolve(written));
    pump();
  });
}

describe("an abusive connection costs good devices a bounded share", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      config: { deviceOverBudgetCloseS: 3 },
      registry: corridorRegistry([
        device("TEL-FLOOD", [FLOOD_IMEI], "teltonika"),
        ...LOCKS.map((id, k) => device(`ELK-G${k}`, [id], "jt701")),
      ]),
    });
  });
  after(() => stack.close());

  it("a ping flood after a valid login: good devices keep most of their rate, the flooder is held and cut off", async () => {
    const clients = await Promise.all(LOCKS.map(() => DeviceClient.connect(stack.gateway.ports.jt701!)));
    const windowMs = 1_500;
    const baseline = await goodTraffic(stack, clients, windowMs);
    assert.ok(baseline > 0);

    const socket = await new Promise<Socket>((resolve) => {
      const s = connect({ host: "127.0.0.1", port: stack.gateway.ports.teltonika! }, () => resolve(s));
    });
    socket.write(buildLogin(FLOOD_IMEI));
    const floodStartMs = Date.now();
    const flooding = flood(socket);
    const during = await goodTraffic(stack, clients, windowMs);
    assert.ok(
      during * 3 >= baseline,
      `good devices were answered ${during} times during the flood against ${baseline} before it`,
    );
    const sent = await flooding;
    // The flooder got no more frames through than its budget: two seconds' burst, the rate over the
    // flood's whole life, and one slice of bytes read beyond it.
    const received = stack.gateway.snapshot().framesReceived.teltonika ?? 0;
    const allowed = 1_000 * (2 + (Date.now() - floodStartMs) / 1000) + 4_096;
    assert.ok(received <= allowed, `${received} frames read from the flooder (budget ${allowed.toFixed(0)})`);
    assert.ok(sent > received, "the flooder sent more than was read");
    await eventually(
      () => stack.gateway.snapshot().connectionsClosed.teltonika ?? {},
      (closed) => closed.over_budget === 1,
      5_000,
      "the flooder closed as over budget",
    );
    for (const client of clients) client.close();
  });
});

/** A socket from `localAddress` that sends nothing. */
function idleSocket(port: number, localAddress: string): Promise<{ socket: Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, localAddress }, () =>
      resolve({ socket, closed: new Promise((done) => socket.once("close", () => done())) }),
    );
    socket.on("error", () => undefined);
    socket.once("error", reject);
  });
}

describe("idle sockets cannot lock a device out", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      config: { deviceLoginTimeoutS: 1, maxPreLoginConnectionsPerAddress: 2, maxDeviceConnections: 4 },
      registry: corridorRegistry([device("ELK-IDLE", [LOCKS[0]!], "jt701")]),
    });
  });
  after(() => stack.close());

  it("closes connections that do not log in, and limits them per address", async () => {
    const port = stack.gateway.ports.jt701!;
    const a = await idleSocket(port, "127.0.0.2");
    const b = await idleSocket(port, "127.0.0.2");
    const c = await idleSocket(port, "127.0.0.2");
    await c.closed; // the third from one address is closed at once
    await eventually(
      () => stack.gateway.counters.closedCount("jt701", "too_many_connections"),
      (n) => n === 1,
    );
    await Promise.all([a.closed, b.closed]); // the others after the login timeout
    await eventually(
      () => stack.gateway.counters.closedCount("jt701", "login_timeout"),
      (n) => n === 2,
    );
  });

  it("a full listener makes room for a device by closing the oldest connection that has not logged in", async () => {
    const port = stack.gateway.ports.jt701!;
    const idle = [];
    for (const address of ["127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"])
      idle.push(await idleSocket(port, address));
    const evictedBefore = stack.gateway.counters.closedCount("jt701", "too_many_connections");
    const client = await DeviceClient.connect(port);
    await client.send(frame(LOCKS[0]!, 7, record(Date.now() - 1_000, ORIGIN, SEALED)));
    await client.untilText("(P69,0,7)");
    await idle[0]!.closed;
    assert.equal(stack.gateway.counters.closedCount("jt701", "too_many_connections"), evictedBefore + 1);
    client.close();
    for (const { socket } of idle) socket.destroy();
  });
});
