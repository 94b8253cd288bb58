/**
 * The corridors of the demo, taken from the public scenarios in test/fixtures/scenarios: customs
 * offices, authorised rest areas and declared routes in Thailand, Hong Kong, Kenya and Slovakia.
 * Routes are stored as encoded polylines (precision 1e-5 degrees, longitude before latitude in each
 * pair, see polyline.ts), which is exactly the precision of the scenario files; a test checks that
 * they decode to the scenarios' routes.
 */
import type { LonLat } from "../core/geo/sphere.js";
import type { ZoneKind } from "../core/domain/model.js";
import { decodePolyline } from "./polyline.js";

export interface DemoZone {
  readonly id: string;
  readonly kind: ZoneKind;
  readonly name: string;
  /** ISO 3166-1 alpha-2 of the country the zone is in. */
  readonly country: string;
  /** Outer ring, `[lon, lat]`, closed. */
  readonly ring: readonly LonLat[];
}

export const DEMO_ZONES: readonly DemoZone[] = [
  {
    id: "HK-ACT",
    kind: "office",
    name: "Hong Kong International Airport air cargo terminals (ITFS)",
    country: "HK",
    ring: [
      [113.923195, 22.303705],
      [113.936805, 22.303705],
      [113.936805, 22.316295],
      [113.923195, 22.316295],
      [113.923195, 22.303705],
    ],
  },
  {
    id: "HK-LMC",
    kind: "office",
    name: "Lok Ma Chau control point",
    country: "HK",
    ring: [
      [114.076106, 22.506403],
      [114.083894, 22.506403],
      [114.083894, 22.513597],
      [114.076106, 22.513597],
      [114.076106, 22.506403],
    ],
  },
  {
    id: "KE-MSA",
    kind: "office",
    name: "Mombasa port, Kipevu customs",
    country: "KE",
    ring: [
      [39.656477, -4.05349],
      [39.683523, -4.05349],
      [39.683523, -4.02651],
      [39.656477, -4.02651],
      [39.656477, -4.05349],
    ],
  },
  {
    id: "KE-NBO",
    kind: "office",
    name: "Nairobi inland container depot, Embakasi",
    country: "KE",
    ring: [
      [36.893703, -1.336295],
      [36.906297, -1.336295],
      [36.906297, -1.323705],
      [36.893703, -1.323705],
      [36.893703, -1.336295],
    ],
  },
  {
    id: "KE-MLB",
    kind: "office",
    name: "Malaba one-stop border post",
    country: "KE",
    ring: [
      [34.265503, 0.625503],
      [34.274497, 0.625503],
      [34.274497, 0.634497],
      [34.265503, 0.634497],
      [34.265503, 0.625503],
    ],
  },
  {
    id: "KE-REST-SLG",
    kind: "rest",
    name: "Salgaa truck park (authorised stop area)",
    country: "KE",
    ring: [
      [35.861781, -0.220612],
      [35.860098, -0.219087],
      [35.858111, -0.219911],
      [35.857662, -0.221886],
      [35.85917, -0.22317],
      [35.86148, -0.223032],
      [35.861781, -0.220612],
    ],
  },
  {
    id: "KE-MRK",
    kind: "office",
    name: "Mariakani weighbridge customs checkpoint",
    country: "KE",
    ring: [
      [39.466395, -3.863597],
      [39.473605, -3.863597],
      [39.473605, -3.856403],
      [39.466395, -3.856403],
      [39.466395, -3.863597],
    ],
  },
  {
    id: "KE-ATH",
    kind: "office",
    name: "Athi River weighbridge customs checkpoint",
    country: "KE",
    ring: [
      [36.976402, -1.453597],
      [36.983598, -1.453597],
      [36.983598, -1.446403],
      [36.976402, -1.446403],
      [36.976402, -1.453597],
    ],
  },
  {
    id: "KE-NVS",
    kind: "office",
    name: "Naivasha inland container depot",
    country: "KE",
    ring: [
      [36.383483, -0.706185],
      [36.396075, -0.706185],
      [36.396075, -0.693594],
      [36.383483, -0.693594],
      [36.383483, -0.706185],
    ],
  },
  {
    id: "KE-ELD",
    kind: "office",
    name: "Eldoret customs checkpoint",
    country: "KE",
    ring: [
      [35.266403, 0.516403],
      [35.273597, 0.516403],
      [35.273597, 0.523597],
      [35.266403, 0.523597],
      [35.266403, 0.516403],
    ],
  },
  {
    id: "KE-REST-MTA",
    kind: "rest",
    name: "Mtito Andei truck park (authorised stop area)",
    country: "KE",
    ring: [
      [38.171235, -2.690093],
      [38.16944, -2.688521],
      [38.167052, -2.689081],
      [38.166793, -2.691466],
      [38.168451, -2.692864],
      [38.170397, -2.692177],
      [38.171235, -2.690093],
    ],
  },
  {
    id: "KE-REST-KNG",
    kind: "rest",
    name: "Kinungi truck park, Naivasha (authorised stop area)",
    country: "KE",
    ring: [
      [36.456978, -0.767244],
      [36.455476, -0.76543],
      [36.453474, -0.766542],
      [36.45288, -0.768511],
      [36.454392, -0.7702],
      [36.456781, -0.769605],
      [36.456978, -0.767244],
    ],
  },
  {
    id: "SK-DOB",
    kind: "office",
    name: "Dobra intermodal terminal (TKD Dobra)",
    country: "SK",
    ring: [
      [22.147799, 48.431906],
      [22.172201, 48.431906],
      [22.172201, 48.448094],
      [22.147799, 48.448094],
      [22.147799, 48.431906],
    ],
  },
  {
    id: "SK-BTS",
    kind: "office",
    name: "Bratislava intermodal terminal customs",
    country: "SK",
    ring: [
      [17.097869, 48.141906],
      [17.122131, 48.141906],
      [17.122131, 48.158094],
      [17.097869, 48.158094],
      [17.097869, 48.141906],
    ],
  },
  {
    id: "SK-REST-KSC",
    kind: "rest",
    name: "Kosice marshalling yard (authorised stop area)",
    country: "SK",
    ring: [
      [21.263125, 48.72075],
      [21.259507, 48.723005],
      [21.254694, 48.722048],
      [21.253742, 48.718835],
      [21.257474, 48.717109],
      [21.261656, 48.717794],
      [21.263125, 48.72075],
    ],
  },
  {
    id: "SK-REST-ZA",
    kind: "rest",
    name: "Zilina-Teplicka marshalling yard (authorised stop area)",
    country: "SK",
    ring: [
      [18.746193, 49.219842],
      [18.741935, 49.222219],
      [18.737153, 49.220896],
      [18.735751, 49.217732],
      [18.739504, 49.215235],
      [18.74505, 49.216118],
      [18.746193, 49.219842],
    ],
  },
  {
    id: "TH-LCB",
    kind: "office",
    name: "Laem Chabang port customs office",
    country: "TH",
    ring: [
      [100.870997, 13.068309],
      [100.895003, 13.068309],
      [100.895003, 13.091691],
      [100.870997, 13.091691],
      [100.870997, 13.068309],
    ],
  },
  {
    id: "TH-NKI",
    kind: "office",
    name: "Nong Khai customs house, First Thai-Lao Friendship Bridge",
    country: "TH",
    ring: [
      [102.734331, 17.864604],
      [102.745669, 17.864604],
      [102.745669, 17.875396],
      [102.734331, 17.875396],
      [102.734331, 17.864604],
    ],
  },
];

export interface DemoCorridor {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  /** Office zone ids. */
  readonly origin: string;
  readonly destination: string;
  readonly mode: "road" | "rail";
  /** Authorised rest areas along the route (zone ids). */
  readonly restZones: readonly string[];
  /** Offices along the route where passive seals may be read (zone ids). */
  readonly checkpoints: readonly string[];
  /** Rule overrides the corridor always carries (e.g. the narrow Hong Kong corridor). */
  readonly corridorM?: number;
  /** The scenario file the route comes from. */
  readonly source: string;
  readonly encodedRoute: string;
}

export const DEMO_CORRIDORS: readonly DemoCorridor[] = [
  {
    id: "TH-LCB-NKI",
    name: "Laem Chabang port → Nong Khai border",
    country: "TH",
    origin: "TH-LCB",
    destination: "TH-NKI",
    mode: "road",
    restZones: [],
    checkpoints: [],
    source: "th-tamper-and-opening.json",
    encodedRoute:
      "wuvfR_uynAyz@koAyz@ioAyz@koA{z@koAyz@koAyz@ioAyz@koA{R}jB{R_kB}R}jB{R}jB{R}jB{R_kB{R}jB{R}jB}R}jB{R_kB{R}jB}ZqkB_[qkB}ZqkB}ZokB_[qkB}ZqkB_[qkB}ZqkB}ZqkB_[okB}ZqkB}ZqkB_[qkB}ZqkB_[qkB}ZokB}ZqkB_[qkB}ZqkBfQklBdQklBfQklBfQklBdQklBfQklBfQklBdQklBfQklBfQklBdQklBfQklBfQklBdQklBfQklBfQklBdQklBfQklBfQklBdQklBfQklBfQklBdQklBfQklBdu@y~Abu@{~Adu@y~Adu@y~Abu@{~Adu@y~Adu@y~Abu@{~Adu@y~Adu@y~Abu@{~Adu@y~Adu@y~Abu@{~Adu@y~AwU}jBuU_kBwU}jBwU}jBuU}jBwU_kBuU}jBwU}jBwU}jBuU_kBwU}jBsiBck@siBck@siBck@siBck@qiBak@siBck@siBck@siBck@siBck@siBck@siBck@siBck@qiBak@siBck@siBck@siBck@siBck@whB{[yhBy[whB{[whBy[yhB{[whBy[whB{[whBy[yhB{[whBy[whB{[yhBy[whB{[uaBez@uaBgz@uaBez@uaBez@uaBgz@uaBez@uaBgz@uaBez@uaBez@saBgz@uaBez@uaBez@uaBgz@uaBez@uaBgz@uaBez@uaBez@uaBgz@uaBez@cpByVapByVcpByVapByVcpByVapByVcpByVapByVcpByVapByVcpBwVapByVcpByVapByVcpByVapByVcpByVapByVcpByVapByVcpByVyScjB{SejByScjByScjB{ScjBySejByScjB{ScjBySejByScjB{ScjByScjBySejB{ScjByScjBySejB{ScjByScjByScjB{SejByScjBsiAirAuiAkrAsiAirAuiAirAsiAkrAuiAirAsiAirAuiAkrAsiAirAsiAirAuiAkrAsiAirAuiAirAsiAkrAuiAirAsiAirAuiAkrAsiAirAsiAirAuiAkrAsiAirAuiAirAsiAkrAuiAirAsiAirAuiAkrAsiAirAsiAirAuiAkrAsiAirAuiAirAsiAkrAuiAirAsiAirAuiAkrAsiAirAyq@u`Bwq@s`Byq@u`Bwq@s`Byq@u`Bwq@s`Byq@u`Bwq@s`Byq@s`Bwq@u`Byq@s`Bwq@u`Byq@s`Bwq@u`Byq@s`Bwq@u`Bm[chBk[chBm[ahBk[chBm[chBk[chBm[chBk[chBm[ahBk[chBm[chBm[chBk[chBm[ahBk[chBm[chBk[chBm[chBk[chBm[ahBk[chBm[chBwJmhBuJohBwJohBuJmhBwJohBuJmhBwJohBuJmhBwJohBuJmhBwJmhBuJohBwJohBuJmhBwJohBuJmhB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB|I}mB~JqmB`KqmB~JsmB~JqmB`KqmB~JqmB~JsmB~JqmB`KqmB~JqmB~JsmB`KqmB~JqmB~JqmB`KqmB~JsmB~JqmB`KqmB~JqmB~JsmB~JqmB`KqmB~JqmB~JsmB`KqmB~JqmB",
  },
  {
    id: "HK-ACT-LMC",
    name: "Airport cargo terminals → Lok Ma Chau control point (ITFS)",
    country: "HK",
    origin: "HK-ACT",
    destination: "HK-LMC",
    mode: "road",
    restZones: [],
    checkpoints: [],
    corridorM: 500,
    source: "hk-malformed-and-refused-inputs.json",
    encodedRoute:
      "o}jvToldgCoKfEoKfEoKfEoKfEoKfEoKfEoKfEoKfEoKfEoKfEqM|AsMzAqM|AqM|AsMzAqM|AqM|AsMzAqM|AqM|AsMzAqM|AqM|AsMzAqM|AkLaDmLaDkLaDkLaDkLaDmLaDkLaDkLaDmLaDkLaDkL_DkLaDmLaDkLaDkLaDmLaDkLaDkLaDkLaDmLaDkLaDyIsHyIsHyIsHyIqHyIsHyIsH{IsHyIsHyIsHyIqHyIsHyIsHyIsHyIsHyIsHyIsHyIqHyIsHyIsH{IsHyIsHyIsHyIqHyIsHyIsHyIsHkMkCkMkCkMkCkMkCkMkCkMkCkMkCkMkCkMkCkMkC~GmI`HkI~GmI`HmI~GkI`HmI~GmI`HkI~GmIlIqHjIsHlIqHlIqHjIsHlIqHlIqHjIsHlIqHlIqHjIsHlIqHlIqHjIsHlIqH|EcK|EeK|EcK|EeK~EcK|EeK|EcK|EeK|EcK|EcK|EeK|EcK|EeK~EcK|EeK|EcK|EeK|EcKeF_KgFaKeF_KgF_KeFaKeF_KgF_KeF_KeFaKgF_KeF_KgFaKeF_KoD{KoD{KqD{KoD{KoDyKoD{KqD{KoD{KoD{KoD{KqD{KoD{KoDyKoD{KqD{KoD{KoD{KgEoKgEoKgEoKgEoKgEoKgEoKgEoKgEoKgEoKgEoK",
  },
  {
    id: "KE-MSA-MLB",
    name: "Mombasa port → Malaba border (Northern Corridor)",
    country: "KE",
    origin: "KE-MSA",
    destination: "KE-MLB",
    mode: "road",
    restZones: ["KE-REST-MTA", "KE-REST-KNG", "KE-REST-SLG"],
    checkpoints: ["KE-MRK", "KE-ATH", "KE-ELD"],
    source: "ke-rest-zone-vs-unauthorized-stop.json",
    encodedRoute:
      "o`cqF~`tWdgBuh@bgBsh@dgBuh@hrAas@jrAcs@hrAas@hrAas@jrAcs@hrAas@tu@}tAtu@}tAtu@}tAtu@}tAtu@}tAtu@}tAtu@}tAtu@}tAnjBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@|yAk_AzyAm_A|yAk_AzyAk_A|yAm_AzyAk_A|yAk_AzyAk_A|yAm_AzyAk_A|yAk_A|yAm_AzyAk_A|yAk_AzyAm_A|yAk_AzyAk_A|yAk_AzyAm_A|yAk_AzyAk_A|yAm_A|yAk_AzyAk_A|yAm_AzyAk_A|yAk_AzyAk_A|yAm_AzyAk_A|yAk_AzyAm_A|yAk_AlWukBnWukBlWukBlWwkBnWukBlWukBlWukBlWukBnWukBlWukBlWukBnWwkBlWukBlWukBnWukBlWukBlWukBlWukBnWukBlWwkBlWukBnWukBlWukBbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovApnA{hAnnA{hApnAyhApnA{hApnA{hAnnA{hApnA{hApnA{hApnAyhAnnA{hApnA{hAb~Aku@`~Aiu@b~Aku@b~Aiu@b~Aku@`~Aiu@b~Aku@b~Aku@b~Aiu@`~Aku@b~Aiu@b~Aku@b~Aiu@`~Aku@b~Aiu@b~Aku@b~Aku@`~Aiu@b~Aku@b~Aiu@b~Aku@`~Aiu@b~Aku@hxAqt@fxAqt@hxAqt@fxAst@hxAqt@fxAqt@hxAqt@n}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzApv@irApv@krApv@irApv@irAnv@krApv@irApv@irApv@krApv@irAhxAay@fxA_y@hxAay@fxA_y@hxAay@fxA_y@hxAay@|kAinA|kAinAzkAknA|kAinA|kAinA|kAinAzkAknA|kAinA|kAinA|kAinAzkAknA|kAinA|kAinAns@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Ans@_~Abp@eaB`p@gaBbp@eaBbp@gaBbp@eaB`p@gaBbp@eaBbp@eaB`p@gaBbp@eaBbp@gaBbp@eaB`p@gaBbp@eaBxuAmdAxuAmdAxuAmdAxuAmdAvuAodAxuAmdAxuAmdAxuAmdAxuAmdAxuAmdAxuAmdAxuAmdAxuAmdAvuAodAxuAmdAxuAmdAxuAmdAxuAmdA|cBme@~cBoe@|cBme@~cBoe@|cBme@|cBme@~cBoe@|cBme@|cBme@~cBoe@|cBme@~cBoe@|cBme@~bBg^~bBg^~bBg^~bBg^~bBg^~bBg^~bBg^~bBg^~bBg^~bBg^n}@gyAn}@iyAn}@gyAn}@iyAn}@gyAn}@iyAn}@gyAn}@iyAn}@gyAn}@gyAn}@iyAn}@gyAn}@iyAn}@gyAn}@iyAn}@gyAn}@iyAn}@gyAn}@gyAn}@iyAn}@gyAn}@iyAn}@gyAn}@iyAn}@gyAn}@iyAn}@gyArs@uaBrs@uaBrs@uaBrs@uaBts@uaBrs@uaBrs@uaBrs@uaBrs@uaBrs@saBrs@uaBrs@uaBrs@uaBrs@uaBts@uaBrs@uaBrs@uaBrs@uaBrs@uaBdaBcp@faBap@daBcp@faBcp@daBcp@faBap@daBcp@daBcp@faBap@daBcp@faBcp@daBcp@faBap@daBcp@jlBxFjlBxFjlBxFjlBxFjlBxFjlBxFjlBxFjlBxFjlBxFjlBxFjlBxFjlBxFjlBxFjlBxFjlBxFjlBxFjlBxSjlBzSjlBxSjlBxSjlBzSjlBxSjlBxSjlBzSjlBxSjlBxSjlBzSjlBxSriBaUriBaUriBaUriBaUpiBaUriBaUriBaUriBaUriB_UriBaUriBaUriBaUpiBaUriBaUriBaUriBaUriBaU",
  },
  {
    id: "KE-MSA-NBO",
    name: "Mombasa port → Nairobi inland container depot",
    country: "KE",
    origin: "KE-MSA",
    destination: "KE-NBO",
    mode: "road",
    restZones: ["KE-REST-MTA"],
    checkpoints: ["KE-MRK"],
    source: "ke-coverage-gap-backlog-deviation.json",
    encodedRoute:
      "o`cqF~`tWdgBuh@bgBsh@dgBuh@hrAas@jrAcs@hrAas@hrAas@jrAcs@hrAas@tu@}tAtu@}tAtu@}tAtu@}tAtu@}tAtu@}tAtu@}tAtu@}tAnjBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@njBo_@|yAk_AzyAm_A|yAk_AzyAk_A|yAm_AzyAk_A|yAk_AzyAk_A|yAm_AzyAk_A|yAk_A|yAm_AzyAk_A|yAk_AzyAm_A|yAk_AzyAk_A|yAk_AzyAm_A|yAk_AzyAk_A|yAm_A|yAk_AzyAk_A|yAm_AzyAk_A|yAk_AzyAk_A|yAm_AzyAk_A|yAk_AzyAm_A|yAk_AlWukBnWukBlWukBlWwkBnWukBlWukBlWukBlWukBnWukBlWukBlWukBnWwkBlWukBlWukBnWukBlWukBlWukBlWukBnWukBlWwkBlWukBnWukBlWukBbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAbmAcmAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovAr`AovApnA{hAnnA{hApnAyhApnA{hApnA{hAnnA{hApnA{hApnA{hApnAyhAnnA{hApnA{hAb~Aku@`~Aiu@b~Aku@b~Aiu@b~Aku@`~Aiu@b~Aku@b~Aku@b~Aiu@`~Aku@b~Aiu@b~Aku@b~Aiu@`~Aku@b~Aiu@b~Aku@b~Aku@`~Aiu@b~Aku@b~Aiu@b~Aku@`~Aiu@b~Aku@hxAqt@fxAqt@hxAqt@fxAst@hxAqt@fxAqt@hxAqt@n}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzAn}@izAn}@kzApv@irApv@krApv@irApv@irAnv@krApv@irApv@irApv@krApv@irA",
  },
  {
    id: "SK-DOB-BTS",
    name: "Dobrá rail terminal → Bratislava (China–Europe rail)",
    country: "SK",
    origin: "SK-DOB",
    destination: "SK-BTS",
    mode: "rail",
    restZones: ["SK-REST-KSC", "SK-REST-ZA"],
    checkpoints: [],
    source: "sk-semi-active-wagon-seal.json",
    encodedRoute:
      "_cgfC_}sfHjlBf^jlBf^jlBf^jlBf^dyByAbyB{AdyByAbyB{AdyByAbyB{AdyByAbyB{AdyByAbyB{AdyByAdyByAbyB{AdyByAbyB{AdyByAbyB{AdyByAbyB{AdyByAbyB{AdyByA~y@mdA`z@mdA~y@mdA`z@mdA~y@odA`z@mdA~y@mdA`z@mdA~y@mdA~y@mdA`z@mdA~y@mdA`z@mdA~y@odA`z@mdA~y@mdA`z@mdA~y@mdAteBeg@teBeg@teBeg@reBcg@teBeg@teBeg@teBeg@teBeg@teBeg@teBeg@reBcg@teBeg@teBeg@teBeg@~WgpA~WgpA~WgpA~WgpA~WgpA~WgpA~WgpA~WgpA~WgpA~WgpAxvBySvvB{SxvBySxvBySvvB{SxvBySxvBySvvB{SxvBySxvBySvvB{SxvBySdyBeMbyBgMdyBeMbyBeMdyBeMbyBgMdyBeMbyBeMdyBeMbyBgMdyBeMdyBeMbyBgMdyBeMbyBeMdyBeMbyBgMdyBeMbyBeMdyBeMbyBgMdyBeMpdB{m@pdB{m@pdB{m@pdB{m@pdB{m@pdB{m@pdB{m@pdB{m@pdB{m@pdB{m@pdB{m@pdB{m@pdB{m@pdB{m@pdB{m@pdB{m@xvB?vvB?xvB?xvB?vvB?xvB?xvB?vvB?xvB?xvB?vvB?xvB?~{BmD~{BmD~{BmD~{BmD~{BmD~{BmD~{BmD~{BmD~{BmD~{BmD~{BmD~{BkD~{BmD~{BmD~{BmD~{BmD~{BmD~{BmD~{BmD~{BmD~{BmD~{BmD~{BmD`xB?bxB?`xB?bxB?bxB?`xB?bxB?`xB?`xB?bxB?`xB?bxB?`xB?bxB?`xB?bxB?p_Bml@r_Bol@p_Bml@r_Bml@p_Bml@r_Bol@p_Bml@r_Bml@p_Bml@r_Bol@p_Bml@hvBl[hvBj[hvBl[hvBj[hvBl[jvBj[hvBl[hvBj[hvBl[hvBj[hvBl[v|Aix@v|Agx@v|Aix@v|Aix@v|Agx@v|Aix@v|Aix@v|Agx@v|Aix@v|Aix@v|Agx@v|Aix@nsBl[lsBj[nsBl[nsBj[lsBl[nsBj[lsBl[nsBj[nsBl[lsBj[nsBl[nsBl[lsBj[nsBl[nsBj[lsBl[nsBj[lsBl[nsBj[nsBl[lsBj[nsBl[xmAn}@xmAn}@xmAn}@vmAn}@xmAn}@xmAn}@xmAn}@xmAn}@xmAn}@xmAn}@xmAn}@vmAn}@xmAn}@xmAn}@xmAn}@xmAn}@xmAn}@xmAn}@xmAn}@vmAn}@xmAn}@xmAn}@xmAn}@nvAhy@nvAjy@nvAhy@nvAhy@nvAjy@nvAhy@nvAhy@nvAjy@nvAhy@nvAhy@nvAjy@nvAhy@nvAhy@nvAjy@nvAhy@eDhrAgDjrAeDhrAeDhrAgDjrAeDhrAeDhrAgDjrAeDhrAeDhrAgDjrAeDhrAlc@bmAnc@bmAlc@bmAlc@bmAnc@bmAlc@bmAlc@bmAnc@bmAlc@bmAlc@bmAnc@bmAlc@bmAnoBnd@noBnd@noBnd@noBnd@noBnd@noBnd@noBnd@noBnd@noBnd@noBnd@~bB|n@~bBzn@~bB|n@~bB|n@~bBzn@~bB|n@~bB|n@~bBzn@~bB|n@~bB|n@~bBzn@~bB|n@~bB|n@~bBzn@~bB|n@~bB|n@~bBzn@~bB|n@~bB|n@~bBzn@~bB|n@~bB|n@~bBzn@~bB|n@~bB|n@~bBzn@~bB|n@~bB|n@~bBzn@~bB|n@",
  },
];

const decoded = new Map<string, readonly LonLat[]>();

/** The declared route of a corridor, `[lon, lat]` vertices (decoded once). */
export function corridorRoute(corridor: DemoCorridor): readonly LonLat[] {
  let route = decoded.get(corridor.id);
  if (route === undefined) decoded.set(corridor.id, (route = decodePolyline(corridor.encodedRoute)));
  return route;
}

export function demoZone(id: string): DemoZone {
  const zone = DEMO_ZONES.find((z) => z.id === id);
  if (zone === undefined) throw new Error(`no demo zone ${id}`);
  return zone;
}
