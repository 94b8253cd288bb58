/**
 * The demo's mailbox: a local SMTP sink (smtp-server) that the demo's alarm e-mails go to, each kept
 * as a file under `<dataDir>/mailbox/` (`NNNN-<recipient>.eml`, readable in any mail client or a text
 * editor) with one line per message in `mailbox/index.txt` (time, recipient, subject). And the demo's
 * notification set-up: each officer's address and language (Thai, Traditional Chinese, Swahili,
 * Slovak by office), every office's duty officer round the clock in the office's time zone, and a
 * rule for critical alarms (the officer on duty at once, the supervisors after 5 minutes unacknowledged).
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import type { Language } from "../core/notify/model.js";
import { ApiClient } from "../sim/api-client.js";
import type { DemoCredentials } from "./credentials.js";

export interface Mailbox {
  readonly port: number;
  readonly folder: string;
  stop(): Promise<void>;
}

/** Starts the sink on 127.0.0.1 (a free port). */
export function startMailbox(dataDir: string): Promise<Mailbox> {
  const folder = join(dataDir, "mailbox");
  mkdirSync(folder, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        const to = session.envelope.rcptTo.map((r) => r.address).join(",");
        count++;
        const name = `${String(count).padStart(4, "0")}-${to.replace(/[^\w.@-]/g, "_").slice(0, 80)}.eml`;
        writeFileSync(join(folder, name), raw);
        const subject = /^Subject: (.*)$/m.exec(raw.toString("utf8"))?.[1] ?? "";
        appendFileSync(
          join(folder, "index.txt"),
          `${new Date().toISOString()}\t${to}\t${subject}\t${name}\n`,
        );
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.server.address() as AddressInfo).port,
        folder,
        stop: () => new Promise<void>((done) => server.close(() => done())),
      }),
    );
  });
}

const OFFICE_LANGUAGE: Readonly<Record<string, { language: Language; timeZone: string }>> = {
  TH: { language: "th", timeZone: "Asia/Bangkok" },
  HK: { language: "zh", timeZone: "Asia/Hong_Kong" },
  KE: { language: "sw", timeZone: "Africa/Nairobi" },
  SK: { language: "sk", timeZone: "Europe/Bratislava" },
};

/** Addresses, languages, rosters and the critical-alarm rule, once (an existing rule is left alone). */
export async function provisionNotifications(baseUrl: string, credentials: DemoCredentials): Promise<void> {
  const supervisorUser = credentials.users.find((u) => u.role === "supervisor");
  if (supervisorUser === undefined) return;
  const supervisor = new ApiClient(baseUrl, supervisorUser);
  const rules = await supervisor.get<{ items: unknown[] }>("/notifications/rules");
  if (rules.items.length > 0) return;
  const users = await supervisor.get<{ items: { id: string; username: string }[] }>("/users");
  const idOf = new Map(users.items.map((u) => [u.username, u.id]));
  await supervisor.put("/me/notifications", { language: "en", email: "supervisor@demo.sealwatch.test" });
  for (const user of credentials.users) {
    if (user.role !== "officer" || user.offices === undefined) continue;
    const office = user.offices[0]!;
    const local = OFFICE_LANGUAGE[office.slice(0, 2)] ?? { language: "en" as const, timeZone: "UTC" };
    await new ApiClient(baseUrl, user).put("/me/notifications", {
      language: local.language,
      email: `${user.username}@demo.sealwatch.test`,
    });
    await supervisor.put(`/notifications/rosters/${office}`, {
      timeZone: local.timeZone,
      shifts: [
        { days: [1, 2, 3, 4, 5, 6, 7], start: "00:00", end: "00:00", userIds: [idOf.get(user.username)] },
      ],
      supervisorIds: [idOf.get(supervisorUser.username)],
    });
  }
  await supervisor.post("/notifications/rules", {
    name: "Critical alarms: the officer on duty, then the supervisor",
    match: { severities: ["critical"] },
    channels: ["email", "webpush"],
    chain: [
      { afterMin: 0, to: { kind: "on_duty" } },
      { afterMin: 5, to: { kind: "supervisors" } },
    ],
  });
}
