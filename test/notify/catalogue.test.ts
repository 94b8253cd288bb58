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
});
