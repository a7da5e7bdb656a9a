/** The scaling plot: wall time vs hosts, one line per tool, log-scale time axis (and hosts axis from 3 to 200). Plain SVG, no deps. */
export interface Series {
  name: string;
  color: string;
  dash?: string;
  /** [hosts, seconds (median)] */
  points: [number, number][];
  /** [hosts, min, max] */
  spread?: [number, number, number][];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function scalingSvg(series: Series[], title: string): string {
  const W = 720,
    H = 440,
    L = 70,
    R = 150,
    T = 40,
    B = 60;
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const ys = series.flatMap((s) => [...s.points.map((p) => p[1]), ...(s.spread ?? []).flatMap((p) => [p[1], p[2]])]).filter((y) => y > 0);
  if (xs.length === 0 || ys.length === 0)
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><text x="20" y="40">no data</text></svg>\n`;
  // hosts on a log axis when they span more than a decade (3..200), else linear from 0
  const logX = Math.max(...xs) / Math.max(1, Math.min(...xs)) > 10;
  const x0 = logX ? Math.log10(Math.min(...xs) / 1.3) : 0;
  const x1 = logX ? Math.log10(Math.max(...xs) * 1.15) : Math.max(...xs) * 1.05;
  const lo = Math.floor(Math.log10(Math.min(...ys))),
    hi = Math.ceil(Math.log10(Math.max(...ys)));
  const px = (x: number) => L + (((logX ? Math.log10(x) : x) - x0) / (x1 - x0)) * (W - L - R);
  const py = (y: number) => T + (1 - (Math.log10(y) - lo) / Math.max(1, hi - lo)) * (H - T - B);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${(W - R + L) / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  // y grid and ticks: 1, 2, 5 per decade
  for (let d = lo; d <= hi; d++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** d;
      if (Math.log10(v) > hi + 1e-9) continue;
      const y = py(v);
      out.push(`<line x1="${L}" x2="${W - R}" y1="${y}" y2="${y}" stroke="${m === 1 ? '#ccc' : '#eee'}"/>`);
      out.push(`<text x="${L - 6}" y="${y + 4}" text-anchor="end">${v >= 1 ? v.toFixed(0) : v.toPrecision(1)}</text>`);
    }
  }
  for (const x of xs) {
    out.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${T}" y2="${H - B}" stroke="#eee"/>`);
    out.push(`<text x="${px(x)}" y="${H - B + 18}" text-anchor="middle">${x}</text>`);
  }
  out.push(
    `<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="black"/>`,
  );
  out.push(
    `<text x="${(W - R + L) / 2}" y="${H - 18}" text-anchor="middle">lab hosts (10 no-op tasks each${logX ? ', log scale' : ''})</text>`,
  );
  out.push(
    `<text transform="translate(18 ${(H - B + T) / 2}) rotate(-90)" text-anchor="middle">wall time of the whole run, s (log scale)</text>`,
  );
  series.forEach((s, i) => {
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    out.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const [x, a, b] of s.spread ?? [])
      out.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${py(a)}" y2="${py(b)}" stroke="${s.color}" stroke-width="6" opacity="0.3"/>`);
    for (const [x, y] of pts) {
      out.push(`<circle cx="${px(x)}" cy="${py(y)}" r="3.5" fill="${s.color}"/>`);
      out.push(`<text x="${px(x) + 6}" y="${py(y) - 6}" fill="${s.color}">${y < 10 ? y.toFixed(2) : y.toFixed(1)}</text>`);
    }
    const ly = T + 10 + i * 20;
    out.push(
      `<line x1="${W - R + 15}" x2="${W - R + 40}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
    );
    out.push(`<text x="${W - R + 46}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>', '');
  return out.join('\n');
}
