import { CHANNELS, Channel } from '@bin-alert/domain';
import type { AcceptSeries } from './measurements';
import type { SmsRate } from './report';

const COLORS: Record<Channel, string> = { sms: '#1f77b4', email: '#2ca02c', voice: '#ff7f0e' };
const URGENT = '#d62728';
const QUARTER = '#7f3fbf';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** 1, 2 or 5 times a power of ten, so that about `count` ticks cover 0…max. */
function niceStep(max: number, count: number): number {
  const raw = Math.max(max, 1) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
}

/**
 * Accepted deliveries per second over time, one panel per channel (each with its own scale:
 * e-mail comes in batches of 1000), the urgent alert's accepts in red and its issue time as a
 * vertical line; in the SMS panel the first and last quarter of its sending window, shaded, with
 * their mean rates (sms.late_vs_early_rate is the second over the first). `subtitle`: the run's
 * cost, under the legend. Plain SVG, no dependency.
 */
export function acceptChart(series: AcceptSeries, title: string, smsRate: SmsRate | null = null, subtitle?: string): string {
  const width = 980;
  const panelHeight = 170;
  const left = 70;
  const right = 20;
  const top = subtitle ? 90 : 72;
  const gap = 40;
  const bottom = 46;
  const height = top + CHANNELS.length * panelHeight + (CHANNELS.length - 1) * gap + bottom;
  const seconds = Math.max(1, ...CHANNELS.map((c) => series.perSecond[c].length));
  const plotWidth = width - left - right;
  const x = (s: number) => left + (s / seconds) * plotWidth;
  const xStep = niceStep(seconds, 10);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  out.push(`<text x="${left}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`);
  out.push(
    `<text x="${left}" y="42" fill="#555">accepted by the provider per second, both alerts; <tspan fill="${URGENT}">red: the urgent alert’s own accepts; vertical line: urgent alert issued</tspan></text>`,
  );
  if (subtitle) out.push(`<text x="${left}" y="60" fill="#555">${esc(subtitle)}</text>`);
  CHANNELS.forEach((channel, i) => {
    const y0 = top + i * (panelHeight + gap);
    const values = series.perSecond[channel];
    const max = Math.max(1, ...values);
    const yStep = niceStep(max, 4);
    const yMax = Math.ceil(max / yStep) * yStep;
    const y = (v: number) => y0 + panelHeight - (v / yMax) * panelHeight;
    out.push(`<g>`);
    out.push(`<rect x="${left}" y="${y0}" width="${plotWidth}" height="${panelHeight}" fill="none" stroke="#ccc"/>`);
    for (let v = 0; v <= yMax; v += yStep) {
      out.push(`<line x1="${left}" x2="${left + plotWidth}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`);
      out.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${v}</text>`);
    }
    for (let s = 0; s <= seconds; s += xStep) {
      out.push(`<line x1="${x(s).toFixed(1)}" x2="${x(s).toFixed(1)}" y1="${y0}" y2="${y0 + panelHeight}" stroke="#f3f3f3"/>`);
      if (i === CHANNELS.length - 1) out.push(`<text x="${x(s).toFixed(1)}" y="${y0 + panelHeight + 16}" text-anchor="middle" fill="#555">${s}</text>`);
    }
    const total = values.reduce((a, b) => a + b, 0);
    out.push(`<text x="${left}" y="${y0 - 7}" font-weight="bold" fill="${COLORS[channel]}">${channel} (${total} accepted, peak ${max}/s)</text>`);
    const quarters = channel === 'sms' ? smsRate?.rate_quarters : null;
    if (quarters) {
      // Drawn under the series: the windows whose mean rates make sms.late_vs_early_rate.
      for (const [name, w] of [
        ['first quarter', quarters.early],
        ['last quarter', quarters.late],
      ] as const) {
        const x0 = x(w.from_s);
        const x1 = x(w.to_s);
        const ym = Math.max(y0, y(w.per_s));
        out.push(`<rect x="${x0.toFixed(1)}" y="${y0}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${panelHeight}" fill="${QUARTER}" fill-opacity="0.08"/>`);
        out.push(`<line x1="${x0.toFixed(1)}" x2="${x1.toFixed(1)}" y1="${ym.toFixed(1)}" y2="${ym.toFixed(1)}" stroke="${QUARTER}" stroke-width="2" stroke-dasharray="6 3"/>`);
        out.push(`<text x="${((x0 + x1) / 2).toFixed(1)}" y="${(ym - 5).toFixed(1)}" text-anchor="middle" fill="${QUARTER}">${name}: ${w.per_s}/s</text>`);
      }
      out.push(`<text x="${left + plotWidth}" y="${y0 - 7}" text-anchor="end" fill="${QUARTER}">sms.late_vs_early_rate ${smsRate?.late_vs_early_rate ?? '—'}</text>`);
    }
    const line = (vals: number[], color: string, widthPx: number) => {
      // Steps: each second's count is drawn across that second.
      const pts: string[] = [];
      for (const [s, v] of vals.entries()) pts.push(`${x(s).toFixed(1)},${y(v).toFixed(1)}`, `${x(s + 1).toFixed(1)},${y(v).toFixed(1)}`);
      return `<polyline fill="none" stroke="${color}" stroke-width="${widthPx}" points="${pts.join(' ')}"/>`;
    };
    out.push(line(values, COLORS[channel], 1.5));
    if (series.urgentPerSecond[channel].some((v) => v > 0)) out.push(line(series.urgentPerSecond[channel], URGENT, 1.2));
    const ux = x(series.urgentIssuedS).toFixed(1);
    out.push(`<line x1="${ux}" x2="${ux}" y1="${y0}" y2="${y0 + panelHeight}" stroke="${URGENT}" stroke-dasharray="4 3"/>`);
    if (i === 0) out.push(`<text x="${(Number(ux) + 4).toFixed(1)}" y="${y0 + 14}" fill="${URGENT}">urgent issued (${series.urgentIssuedS.toFixed(1)} s)</text>`);
    out.push(`</g>`);
  });
  out.push(`<text x="${left + plotWidth / 2}" y="${height - 8}" text-anchor="middle" fill="#333">seconds since the normal alert was issued</text>`);
  out.push(`</svg>`);
  return `${out.join('\n')}\n`;
}
