/**
 * Alarm reasons (the evidence's measured values) in every language: one template per alarm type,
 * the values formatted by `reasons.ts` with Intl (units, digits, dates) in the reader's locale.
 * Every language has every key (the type says so; test/notify/catalogue.test.ts checks placeholders).
 */
import type { AlarmType } from "../core/domain/model.js";
import type { Language } from "../core/notify/model.js";

/** One per alarm type, and an opening that no fix could place. */
export type ReasonKey = AlarmType | "unauthorized_opening_unlocated";

export const REASONS: Readonly<Record<Language, Readonly<Record<ReasonKey, string>>>> = {
  en: {
    route_deviation: "{distance} off the corridor (corridor {corridor}) for {duration}",
    unauthorized_stop: "stopped {duration} outside offices and rest areas (allowed {allowed})",
    restricted_zone: "entered restricted zone {zone}, inside for {duration}",
    low_battery: "battery at {battery} (alarm at {threshold})",
    signal_loss: "no message for {duration} (allowed {allowed})",
    overdue: "not arrived at {destination} {late} after the deadline {deadline}",
    tamper: "tampering reported by the device ({reports} reports in a row)",
    unauthorized_opening: "seal opened outside any customs office",
    unauthorized_opening_unlocated: "seal opened with no recent position to place it in an office",
    unexpected_checkpoint:
      "seal read at {office}, not an office of the declared itinerary (expected {expected})",
    seal_mismatch: "seal number {seal} read at {office} is not declared (declared {declared})",
  },
  th: {
    route_deviation: "ออกนอกแนวเส้นทาง {distance} (แนวที่อนุญาต {corridor}) นาน {duration}",
    unauthorized_stop: "หยุดนาน {duration} นอกด่านศุลกากรและจุดพัก (อนุญาต {allowed})",
    restricted_zone: "เข้าพื้นที่หวงห้าม {zone} อยู่ภายในนาน {duration}",
    low_battery: "แบตเตอรี่เหลือ {battery} (เตือนที่ {threshold})",
    signal_loss: "ไม่มีข้อความนาน {duration} (อนุญาต {allowed})",
    overdue: "ยังไม่ถึง {destination} เกินกำหนด {late} หลังเส้นตาย {deadline}",
    tamper: "อุปกรณ์รายงานการงัดแงะ ({reports} ครั้งติดต่อกัน)",
    unauthorized_opening: "ซีลถูกเปิดนอกด่านศุลกากร",
    unauthorized_opening_unlocated: "ซีลถูกเปิดโดยไม่มีตำแหน่งล่าสุดที่ระบุว่าอยู่ในด่าน",
    unexpected_checkpoint: "อ่านซีลที่ {office} ซึ่งไม่อยู่ในเส้นทางที่สำแดง (ที่คาดไว้ {expected})",
    seal_mismatch: "หมายเลขซีล {seal} ที่อ่านได้ที่ {office} ไม่ได้สำแดงไว้ (ที่สำแดง {declared})",
  },
  zh: {
    route_deviation: "偏離路廊 {distance}（路廊寬 {corridor}），持續 {duration}",
    unauthorized_stop: "在關區及休息區以外停留 {duration}（容許 {allowed}）",
    restricted_zone: "進入禁區 {zone}，停留 {duration}",
    low_battery: "電量 {battery}（警報門檻 {threshold}）",
    signal_loss: "{duration} 未收到訊息（容許 {allowed}）",
    overdue: "未抵達 {destination}，已逾期限 {deadline} {late}",
    tamper: "裝置回報遭破壞（連續 {reports} 次）",
    unauthorized_opening: "封條在海關關區以外被開啟",
    unauthorized_opening_unlocated: "封條被開啟，且無近期位置可確認是否在關區內",
    unexpected_checkpoint: "封條在 {office} 被讀取，非申報路線上的關區（預期 {expected}）",
    seal_mismatch: "在 {office} 讀取的封條號碼 {seal} 未經申報（申報為 {declared}）",
  },
  sk: {
    route_deviation: "{distance} mimo koridoru (koridor {corridor}) počas {duration}",
    unauthorized_stop: "státie {duration} mimo úradov a odpočívadiel (povolené {allowed})",
    restricted_zone: "vstup do zakázanej zóny {zone}, vnútri {duration}",
    low_battery: "batéria na {battery} (alarm pri {threshold})",
    signal_loss: "žiadna správa počas {duration} (povolené {allowed})",
    overdue: "neprišlo do {destination}, {late} po lehote {deadline}",
    tamper: "zariadenie hlási manipuláciu ({reports} hlásení za sebou)",
    unauthorized_opening: "uzáver otvorený mimo colného úradu",
    unauthorized_opening_unlocated: "uzáver otvorený bez nedávnej polohy, ktorá by ho umiestnila do úradu",
    unexpected_checkpoint:
      "uzáver prečítaný na {office}, ktorý nie je na deklarovanej trase (očakávané {expected})",
    seal_mismatch: "číslo uzáveru {seal} prečítané na {office} nie je deklarované (deklarované {declared})",
  },
  ru: {
    route_deviation: "отклонение {distance} от коридора (коридор {corridor}) в течение {duration}",
    unauthorized_stop: "остановка {duration} вне таможенных постов и мест отдыха (допустимо {allowed})",
    restricted_zone: "въезд в запретную зону {zone}, внутри {duration}",
    low_battery: "заряд батареи {battery} (тревога при {threshold})",
    signal_loss: "нет сообщений {duration} (допустимо {allowed})",
    overdue: "не прибыл в {destination}: опоздание {late} после срока {deadline}",
    tamper: "устройство сообщает о вскрытии ({reports} сообщений подряд)",
    unauthorized_opening: "пломба вскрыта вне таможенного поста",
    unauthorized_opening_unlocated: "пломба вскрыта, свежих координат, чтобы отнести это к посту, нет",
    unexpected_checkpoint:
      "пломба считана в {office}, которого нет в заявленном маршруте (ожидались {expected})",
    seal_mismatch: "номер пломбы {seal}, считанный в {office}, не заявлен (заявлены {declared})",
  },
  sw: {
    route_deviation: "{distance} nje ya ukanda (ukanda {corridor}) kwa {duration}",
    unauthorized_stop: "imesimama {duration} nje ya ofisi na maeneo ya kupumzika (inaruhusiwa {allowed})",
    restricted_zone: "imeingia eneo lililozuiliwa {zone}, ndani kwa {duration}",
    low_battery: "betri iko {battery} (kengele kwa {threshold})",
    signal_loss: "hakuna ujumbe kwa {duration} (inaruhusiwa {allowed})",
    overdue: "haijafika {destination}, {late} baada ya muda wa mwisho {deadline}",
    tamper: "kifaa kimeripoti uchezewaji (ripoti {reports} mfululizo)",
    unauthorized_opening: "lakiri imefunguliwa nje ya ofisi yoyote ya forodha",
    unauthorized_opening_unlocated: "lakiri imefunguliwa bila mahali pa karibuni pa kuiweka ofisini",
    unexpected_checkpoint:
      "lakiri imesomwa {office}, si ofisi ya njia iliyotangazwa (ilitarajiwa {expected})",
    seal_mismatch: "namba ya lakiri {seal} iliyosomwa {office} haijatangazwa (iliyotangazwa {declared})",
  },
};
