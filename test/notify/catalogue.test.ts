/**
 * The notification catalogue is complete: every language has every key filled, keeps the English
 * placeholders, differs from English where it should (no untranslated copies), and has a locale
 * the runtime formats dates in; a rendered notification carries what, where, which trip and
 * containers, when (in the office's zone) and the link, in each language.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ALARM_TYPES } from "../../src/core/domain/model.js";
import { LANGUAGES } from "../../src/core/notify/model.js";
import { CATALOGUES, fill } from "../../src/notify/catalogue.js";
import { REASONS } from "../../src/notify/reason-catalogue.js";
import { localDistance, localDuration, localReason } from "../../src/notify/reasons.js";
import { renderNotification } from "../../src/notify/render.js";

function leaves(value: unknown, path = ""): [string, string][] {
  if (typeof value === "string") return [[path, value]];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    leaves(v, path === "" ? k : `${path}.${k}`),
  );
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the notification catalogue", () => {
  const english = new Map(leaves(CATALOGUES.en));

  it("has every key, filled, with the same placeholders, in every language", () => {
    assert.deepEqual(Object.keys(CATALOGUES).sort(), [...LANGUAGES].sort());
    for (const language of LANGUAGES) {
      const entries = new Map(leaves(CATALOGUES[language]));
      assert.deepEqual([...entries.keys()].sort(), [...english.keys()].sort(), language);
      for (const [key, text] of entries) {
        assert.ok(text.trim().length > 0, `${language} ${key} is empty`);
        assert.deepEqual(placeholders(text), placeholders(english.get(key)!), `${language} ${key}`);
        if (language !== "en" && key !== "locale")
          assert.notEqual(text, english.get(key), `${language} ${key} is not translated`);
      }
      assert.deepEqual(Object.keys(CATALOGUES[language].alarm).sort(), [...ALARM_TYPES].sort());
      assert.deepEqual(
        Intl.DateTimeFormat.supportedLocalesOf(CATALOGUES[language].locale).length,
        1,
        language,
      );
    }
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    assert.equal(fill("{a} and {b}", { a: 1 }), "1 and {b}");
  });

  it("renders what, where, which trip and containers, when in the office's zone, and the link", () => {
    for (const language of LANGUAGES) {
      const text = renderNotification({
        alarm: {
          id: "a-1",
          type: "unauthorized_opening",
          severity: "critical",
          raisedAtMs: Date.UTC(2026, 2, 2, 3, 30),
        },
        trip: {
          id: "T-42",
          reference: "26TH0001234567890",
          origin: "TH-LCB",
          destination: "TH-NKI",
          declaration: { containers: ["MSKU1234565"] },
        },
        position: [100.88, 13.08],
        officeNames: new Map([["TH-LCB", "Laem Chabang"]]),
        link: "https://sealwatch.example/#/trips/T-42",
        language,
        timeZone: "Asia/Bangkok",
        step: 1,
      });
      const c = CATALOGUES[language];
      assert.ok(
        text.subject.includes(c.alarm.unauthorized_opening) && text.subject.includes(c.severity.critical),
      );
      for (const part of [
        "T-42",
        "26TH0001234567890",
        "MSKU1234565",
        "Laem Chabang",
        "https://sealwatch.example/#/trips/T-42",
      ])
        assert.ok(text.text.includes(part), `${language}: ${part}`);
      assert.ok(text.text.includes(fill(c.escalated, { step: 2 })), language);
      // 03:30 UTC is 10:30 in Bangkok; Intl writes it in the language's digits and order.
      const tenThirty = new Intl.DateTimeFormat(c.locale, {
        hour: "2-digit",
        minute: "2-digit",
        timeZone: "Asia/Bangkok",
      }).format(Date.UTC(2026, 2, 2, 3, 30));
      assert.ok(
        text.text.includes(tenThirty.replace(/\s/g, " ")) ||
          text.text.replace(/\s/g, " ").includes(tenThirty.replace(/\s/g, " ")),
        `${language}: ${tenThirty}`,
      );
    }
  });

  it("has every alarm reason in every language, with the English placeholders", () => {
    for (const language of LANGUAGES) {
      assert.deepEqual(Object.keys(REASONS[language]).sort(), Object.keys(REASONS.en).sort(), language);
      for (const [key, text] of Object.entries(REASONS[language])) {
        assert.deepEqual(
          placeholders(text),
          placeholders(REASONS.en[key as keyof typeof REASONS.en]),
          `${language} ${key}`,
        );
        if (language !== "en")
          assert.notEqual(text, REASONS.en[key as keyof typeof REASONS.en], `${language} ${key}`);
      }
    }
  });

  it("writes the measured facts of a reason with the locale's units and digits", () => {
    const measure = {
      type: "route_deviation",
      distanceM: 2400,
      corridorM: 1000,
      durationS: 720,
      minDurationS: 300,
    } as const;
    for (const language of LANGUAGES) {
      const locale = CATALOGUES[language].locale;
      const text = localReason(measure, language, "Asia/Bangkok");
      for (const part of [
        localDistance(locale, 2400),
        localDistance(locale, 1000),
        localDuration(locale, 720),
      ])
        assert.ok(text.includes(part), `${language}: "${part}" in "${text}"`);
      assert.doesNotMatch(text, /\{\w+\}/);
    }
    assert.match(
      localReason(measure, "en", "UTC"),
      /^2\.4 km off the corridor \(corridor 1 km\) for 12 mins?$/,
    );
    assert.match(
      localReason({ type: "low_battery", batteryPct: 8, thresholdPct: 10, clearPct: 20 }, "ru", "UTC"),
      /8\s?%/,
    );
    assert.equal(
      localReason(
        { type: "unexpected_checkpoint", office: "TH-X", expectedOffices: ["TH-LCB", "TH-NKI"] },
        "en",
        "UTC",
        new Map([["TH-LCB", "Laem Chabang"]]),
      ),
      "seal read at TH-X, not an office of the declared itinerary (expected Laem Chabang and TH-NKI)",
    );
  });
});
