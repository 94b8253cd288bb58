/**
 * The report as one self-contained HTML page an administration can keep: inline style, no script,
 * no external resource (fonts, images, links to fetch), every value escaped. Each check links to
 * its evidence frames, shown with their hex, their text when they are text, and what they decoded to.
 */
import type { ConformanceReport, ReportFrame } from "./report.js";

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1f24}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
.meta{color:#57606a}.verdict{display:inline-block;padding:.35rem .8rem;border-radius:.3rem;font-weight:700;margin:.8rem 0}
.conforms{background:#dafbe1;color:#116329}.fails{background:#ffebe9;color:#a40e26}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #d0d7de;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{background:#f6f8fa}.pass{color:#116329;font-weight:700}.fail{color:#a40e26;font-weight:700}.na{color:#6e7781;font-weight:700}
ul{margin:.3rem 0 .3rem 1.2rem;padding:0}code,.hex{font:12.5px/1.35 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.hex{word-break:break-all;background:#f6f8fa;padding:.3rem;border-radius:.2rem;display:block}
.frame{border:1px solid #d0d7de;border-radius:.3rem;padding:.5rem .7rem;margin:.6rem 0}.frame h3{font-size:1rem;margin:0 0 .3rem}
.rejected{color:#a40e26}
`;

const LABEL = { pass: ["PASS", "pass"], fail: ["FAIL", "fail"], not_applicable: ["N/A", "na"] } as const;

function frameBlock(f: ReportFrame): string {
  const readings = f.readings
    .map((r) => {
      const parts = [`${escapeHtml(r.deviceId)} at ${escapeHtml(r.at)}`];
      if (r.position !== undefined)
        parts.push(
          `[${r.position.lon}, ${r.position.lat}] ${r.position.speedKmh} km/h, fix ${r.position.valid ? "valid" : "not valid"}${r.position.satellites === undefined ? "" : `, ${r.position.satellites} satellites`}`,
        );
      if (r.seal !== undefined) parts.push(`seal ${escapeHtml(r.seal)}`);
      if (r.tamper !== undefined) parts.push(`tamper ${r.tamper}`);
      if (r.batteryPct !== undefined) parts.push(`battery ${r.batteryPct} %`);
      if (r.flags !== undefined && r.flags.length > 0) parts.push(`flags ${escapeHtml(r.flags.join(", "))}`);
      return `<li>${parts.join(" · ")}</li>`;
    })
    .join("");
  return `<div class="frame" id="frame-${f.index}"><h3>Frame #${f.index}</h3>
<div class="meta">connection ${f.connection}${f.receivedAt === undefined ? "" : ` · received ${escapeHtml(f.receivedAt)}`}${f.answer === undefined ? "" : ` · expects answer <code>${escapeHtml(f.answer)}</code>${f.answeredAt === undefined ? " (not seen answered)" : ` answered ${escapeHtml(f.answeredAt)}`}`}</div>
${f.text === undefined ? "" : `<code>${escapeHtml(f.text)}</code>`}
<span class="hex">${escapeHtml(f.hex)}</span>
${f.rejected === undefined ? "" : `<div class="rejected">Not read: ${escapeHtml(f.rejected)}</div>`}
${readings === "" ? "" : `<ul>${readings}</ul>`}</div>`;
}

/** The report as a standalone HTML document. */
export function reportHtml(report: ConformanceReport): string {
  const ok = report.verdict === "conforms";
  const rows = report.checks
    .map((c) => {
      const [label, cls] = LABEL[c.verdict];
      const findings =
        c.findings.length === 0
          ? ""
          : `<ul>${c.findings.map((f) => `<li>${escapeHtml(f)}</li>`).join("")}</ul>`;
      const evidence =
        c.evidence.length === 0
          ? ""
          : `<div>Evidence: ${c.evidence.map((i) => `<a href="#frame-${i}">#${i}</a>`).join(" ")}</div>`;
      return `<tr id="check-${escapeHtml(c.id)}"><td class="${cls}">${label}</td><td><strong>${escapeHtml(c.title)}</strong><div>${escapeHtml(c.summary)}</div>${findings}${evidence}</td></tr>`;
    })
    .join("\n");
  const unreadable =
    report.unreadable.length === 0
      ? "<p>Every byte the device sent was read.</p>"
      : `<ul>${report.unreadable
          .slice(0, 200)
          .map(
            (u) =>
              `<li>${u.length} byte(s), ${escapeHtml(u.reason)}: ${escapeHtml(u.detail)}${u.hexPreview === "" ? "" : ` <code>${escapeHtml(u.hexPreview)}</code>`}</li>`,
          )
          .join("")}</ul>`;
  const steps =
    report.steps.length === 0
      ? "<p>No prompted step (a non-interactive run or a capture without steps).</p>"
      : `<table><tr><th>Step</th><th>Began</th><th>Ended</th></tr>${report.steps
          .map(
            (s) =>
              `<tr><td>${escapeHtml(s.step)}</td><td>${escapeHtml(s.begin ?? "")}</td><td>${escapeHtml(s.end ?? "")}</td></tr>`,
          )
          .join("")}</table>`;
  const s = report.stream;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sealwatch conformance report: ${escapeHtml(report.protocol)}</title><style>${STYLE}</style></head>
<body><h1>Sealwatch device conformance report</h1>
<div class="meta">Protocol <strong>${escapeHtml(report.protocol)}</strong> · ${escapeHtml(report.source)} · generated ${escapeHtml(report.generatedAt)}</div>
<div class="verdict ${ok ? "conforms" : "fails"}" id="verdict">${ok ? "Conforms" : "Does not conform"}: ${report.counts.pass} passed, ${report.counts.fail} failed, ${report.counts.notApplicable} not applicable</div>
<p class="meta">${s.frames} frame(s) and ${s.readings} reading(s) on ${s.connections} connection(s), ${s.bytesFromDevice} byte(s) from the device${s.firstAt === undefined ? "" : `, ${escapeHtml(s.firstAt)} to ${escapeHtml(s.lastAt ?? "")}`}. Settings: ${escapeHtml(JSON.stringify(report.settings))}.</p>
<h2>Checks</h2><table><tr><th>Result</th><th>Check</th></tr>
${rows}
</table>
<h2>Prompted steps</h2>${steps}
<h2>What could not be read</h2>${unreadable}
<h2>Evidence frames</h2>
${report.frames.map(frameBlock).join("\n")}
</body></html>
`;
}
