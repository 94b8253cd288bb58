/**
 * The message catalogue of alarm notifications, in every language Sealwatch speaks (en, th, zh —
 * Traditional Chinese, sk, ru, sw). Every language has every key (the type makes a missing one a
 * build error; test/notify/catalogue.test.ts checks the texts are filled and keep their
 * placeholders). Dates and numbers are not written here: `render.ts` formats them with Intl in the
 * recipient's locale and the office's time zone.
 */
import type { AlarmType, Severity } from "../core/domain/model.js";
import type { Language } from "../core/notify/model.js";

export interface Catalogue {
  /** Intl locale of the language. */
  readonly locale: string;
  readonly alarm: Readonly<Record<AlarmType, string>>;
  readonly severity: Readonly<Record<Severity, string>>;
  /** Placeholders: {severity} {alarm} {trip}. */
  readonly subject: string;
  /** Placeholders: {step} (the escalation step, 1 for the first). */
  readonly escalated: string;
  readonly labels: {
    readonly trip: string;
    readonly declaration: string;
    readonly containers: string;
    readonly route: string;
    readonly where: string;
    readonly raisedAt: string;
    readonly reason: string;
    readonly open: string;
    readonly unknown: string;
  };
}

export const CATALOGUES: Readonly<Record<Language, Catalogue>> = {
  en: {
    locale: "en-GB",
    alarm: {
      tamper: "Tampering",
      unauthorized_opening: "Unauthorized opening",
      route_deviation: "Route deviation",
      unauthorized_stop: "Unauthorized stop",
      restricted_zone: "Restricted zone entered",
      low_battery: "Low battery",
      signal_loss: "Signal lost",
      overdue: "Overdue",
      unexpected_checkpoint: "Unexpected checkpoint",
      seal_mismatch: "Seal number mismatch",
    },
    severity: { critical: "Critical", high: "High", medium: "Medium", low: "Low" },
    subject: "[{severity}] {alarm}: trip {trip}",
    escalated: "Not acknowledged yet: you are step {step} of the escalation.",
    labels: {
      trip: "Trip",
      declaration: "Declaration",
      containers: "Containers",
      route: "Route",
      where: "Where",
      raisedAt: "Raised",
      reason: "Why",
      open: "Open the alarm",
      unknown: "unknown",
    },
  },
  th: {
    locale: "th-TH",
    alarm: {
      tamper: "การงัดแงะ",
      unauthorized_opening: "การเปิดโดยไม่ได้รับอนุญาต",
      route_deviation: "ออกนอกเส้นทาง",
      unauthorized_stop: "การหยุดโดยไม่ได้รับอนุญาต",
      restricted_zone: "เข้าพื้นที่หวงห้าม",
      low_battery: "แบตเตอรี่ต่ำ",
      signal_loss: "สัญญาณขาดหาย",
      overdue: "เกินกำหนดเวลา",
      unexpected_checkpoint: "จุดตรวจที่ไม่ได้แจ้งไว้",
      seal_mismatch: "หมายเลขซีลไม่ตรงกัน",
    },
    severity: { critical: "วิกฤต", high: "สูง", medium: "ปานกลาง", low: "ต่ำ" },
    subject: "[{severity}] {alarm}: เที่ยวขนส่ง {trip}",
    escalated: "ยังไม่มีผู้รับทราบ: คุณเป็นลำดับที่ {step} ของการยกระดับ",
    labels: {
      trip: "เที่ยวขนส่ง",
      declaration: "ใบขน",
      containers: "ตู้คอนเทนเนอร์",
      route: "เส้นทาง",
      where: "ตำแหน่ง",
      raisedAt: "เวลาเกิดเหตุ",
      reason: "สาเหตุ",
      open: "เปิดดูสัญญาณเตือน",
      unknown: "ไม่ทราบ",
    },
  },
  zh: {
    locale: "zh-Hant-TW",
    alarm: {
      tamper: "遭破壞",
      unauthorized_opening: "未經授權開啟",
      route_deviation: "偏離路線",
      unauthorized_stop: "未經授權停留",
      restricted_zone: "進入禁區",
      low_battery: "電量不足",
      signal_loss: "訊號中斷",
      overdue: "逾期未到",
      unexpected_checkpoint: "非預定關卡",
      seal_mismatch: "封條號碼不符",
    },
    severity: { critical: "緊急", high: "高", medium: "中", low: "低" },
    subject: "[{severity}] {alarm}：運程 {trip}",
    escalated: "尚無人確認：您是升級通報的第 {step} 層。",
    labels: {
      trip: "運程",
      declaration: "報單",
      containers: "貨櫃",
      route: "路線",
      where: "位置",
      raisedAt: "發生時間",
      reason: "原因",
      open: "開啟警報",
      unknown: "不明",
    },
  },
  sk: {
    locale: "sk-SK",
    alarm: {
      tamper: "Manipulácia",
      unauthorized_opening: "Neoprávnené otvorenie",
      route_deviation: "Odchýlka od trasy",
      unauthorized_stop: "Neoprávnené zastavenie",
      restricted_zone: "Vstup do zakázanej zóny",
      low_battery: "Slabá batéria",
      signal_loss: "Strata signálu",
      overdue: "Prekročená lehota",
      unexpected_checkpoint: "Neočakávané kontrolné miesto",
      seal_mismatch: "Nesúhlasí číslo uzáveru",
    },
    severity: { critical: "Kritický", high: "Vysoký", medium: "Stredný", low: "Nízky" },
    subject: "[{severity}] {alarm}: preprava {trip}",
    escalated: "Zatiaľ nepotvrdené: ste krok {step} eskalácie.",
    labels: {
      trip: "Preprava",
      declaration: "Vyhlásenie",
      containers: "Kontajnery",
      route: "Trasa",
      where: "Miesto",
      raisedAt: "Vznik",
      reason: "Dôvod",
      open: "Otvoriť alarm",
      unknown: "neznáme",
    },
  },
  ru: {
    locale: "ru-RU",
    alarm: {
      tamper: "Вскрытие",
      unauthorized_opening: "Несанкционированное открытие",
      route_deviation: "Отклонение от маршрута",
      unauthorized_stop: "Несанкционированная остановка",
      restricted_zone: "Въезд в запретную зону",
      low_battery: "Низкий заряд батареи",
      signal_loss: "Потеря связи",
      overdue: "Просрочка доставки",
      unexpected_checkpoint: "Непредусмотренный пункт пропуска",
      seal_mismatch: "Номер пломбы не совпадает",
    },
    severity: { critical: "Критическая", high: "Высокая", medium: "Средняя", low: "Низкая" },
    subject: "[{severity}] {alarm}: перевозка {trip}",
    escalated: "Ещё не подтверждено: вы — шаг {step} эскалации.",
    labels: {
      trip: "Перевозка",
      declaration: "Декларация",
      containers: "Контейнеры",
      route: "Маршрут",
      where: "Где",
      raisedAt: "Время",
      reason: "Причина",
      open: "Открыть тревогу",
      unknown: "неизвестно",
    },
  },
  sw: {
    locale: "sw-KE",
    alarm: {
      tamper: "Uchezewaji",
      unauthorized_opening: "Kufunguliwa bila idhini",
      route_deviation: "Kupotoka njia",
      unauthorized_stop: "Kusimama bila idhini",
      restricted_zone: "Kuingia eneo lililozuiliwa",
      low_battery: "Betri iko chini",
      signal_loss: "Mawasiliano yamekatika",
      overdue: "Muda umepita",
      unexpected_checkpoint: "Kituo kisichotarajiwa",
      seal_mismatch: "Namba ya lakiri hailingani",
    },
    severity: { critical: "Hatari kubwa", high: "Juu", medium: "Wastani", low: "Chini" },
    subject: "[{severity}] {alarm}: safari {trip}",
    escalated: "Bado haijathibitishwa: wewe ni hatua ya {step} ya kupandisha.",
    labels: {
      trip: "Safari",
      declaration: "Tamko",
      containers: "Makontena",
      route: "Njia",
      where: "Mahali",
      raisedAt: "Wakati",
      reason: "Sababu",
      open: "Fungua kengele",
      unknown: "haijulikani",
    },
  },
};

/** `template` with each {name} replaced by `values[name]` (unknown names are left as they are). */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    values[name] === undefined ? whole : String(values[name]),
  );
}
