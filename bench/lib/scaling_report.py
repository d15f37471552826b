#!/usr/bin/env python3
"""bench/lib/scaling_report.py WORK OUT_BASE COMMIT

Reads bench/scaling's times.tsv and sizes.tsv from WORK, prints the table, writes OUT_BASE.md,
.json and .svg (seconds per GB and peak RSS against size, one line per stage), and exits 1
when a bar is missed: a cutover stage's time per GB at the largest size over 1.1× that at the
middle size, or its peak RSS at the largest size over 1.1× that at the smallest.
"""
import json
import sys
from collections import defaultdict

work, out, commit = sys.argv[1:4]
sizes = [line.rstrip("\n").split("\t") for line in open(f"{work}/sizes.tsv") if line.strip()]
sizes = [(float(s), int(scale), int(float(b))) for s, scale, b in sizes]  # awk may print 4e+09
times = defaultdict(dict)
rss = defaultdict(dict)
for line in open(f"{work}/times.tsv"):
    size, name, seconds, kb = line.rstrip("\n").split("\t")
    times[name][float(size)] = float(seconds)
    if kb != "-":
        rss[name][float(size)] = int(kb) * 1024 / 1e6
order = ["copy_floor", "export", "import", "hash_floor", "verify", "pgcopydb_clone"]
cutover = ["export", "import", "verify"]
gb = {s: b / 1e9 for s, _, b in sizes}
small, middle, large = (s for s, _, _ in sizes)

misses, rows = [], []
for name in order:
    per_gb = {s: times[name][s] / gb[s] for s in times[name]}
    row = {"stage": name, "seconds": times[name], "seconds_per_gb": per_gb, "peak_rss_mb": rss.get(name, {})}
    if name in cutover:
        growth = per_gb[large] / per_gb[middle]
        memory = rss[name][large] / rss[name][small]
        row.update({"time_per_gb_growth": growth, "rss_growth": memory})
        if growth > 1.1:
            misses.append(f"{name}: time per GB ×{growth:.2f} from {middle:g} to {large:g} GB (bar ≤ 1.1)")
        if memory > 1.1:
            misses.append(f"{name}: peak RSS ×{memory:.2f} from {small:g} to {large:g} GB (bar ≤ 1.1)")
    rows.append(row)
total = {s: sum(times[n][s] for n in cutover) for s in gb}

lines = [f"# cutover scaling — commit {commit}", "",
         "One run per stage and size on the fixture (2 jobs); sizes are the COPY text of every table. "
         "The export includes its source digests (not the policy sample).", "",
         "| stage | " + " | ".join(f"{s:g} GB ({gb[s]:.2f} GB real)" for s in gb) + " | s/GB growth (mid→large) | RSS growth (small→large) |",
         "|---|" + "---|" * len(gb) + "---|---|"]
for r in rows:
    cells = []
    for s in gb:
        t = r["seconds"].get(s)
        m = r["peak_rss_mb"].get(s)
        cells.append("—" if t is None else f"{t:.1f} s · {t / gb[s]:.1f} s/GB" + (f" · {m:.0f} MB" if m else ""))
    growth = f"×{r['time_per_gb_growth']:.2f}" if "time_per_gb_growth" in r else "—"
    memory = f"×{r['rss_growth']:.2f}" if "rss_growth" in r else "—"
    lines.append(f"| {r['stage']} | " + " | ".join(cells) + f" | {growth} | {memory} |")
lines += ["", "cutover export + import + verify: " + ", ".join(f"{total[s]:.1f} s at {s:g} GB ({total[s] / gb[s]:.1f} s/GB)" for s in gb)
          + "; pgcopydb clone: " + ", ".join(f"{times['pgcopydb_clone'][s]:.1f} s" for s in gb) + ".", "",
          f"Plot: `{out.rsplit('/', 1)[-1]}.svg`.", ""]
lines.append("**Result: " + ("every bar holds.**" if not misses else "bars missed.**"))
lines += [f"- {m}" for m in misses]
text = "\n".join(lines) + "\n"
open(out + ".md", "w").write(text)
json.dump({"commit": commit, "sizes": sizes, "stages": rows, "cutover_total": total, "misses": misses},
          open(out + ".json", "w"), indent=2)

# The plot: two panels (seconds per GB, peak RSS) against size, log-scaled x.
import math
W, H, pad = 900, 360, 60
colors = {"copy_floor": "#999999", "export": "#1f77b4", "import": "#d62728", "hash_floor": "#bbbbbb",
          "verify": "#2ca02c", "pgcopydb_clone": "#ff7f0e"}
xs = [gb[s] for s in gb]
lo, hi = math.log(min(xs)), math.log(max(xs))
def px(x, left, width):
    return left + (math.log(x) - lo) / max(hi - lo, 1e-9) * width
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H + 40}" font-family="sans-serif" font-size="12">',
       f'<text x="{W / 2}" y="16" text-anchor="middle" font-size="14">cutover scaling (commit {commit})</text>']
panels = [("seconds per GB of COPY text", lambda r, s: r["seconds"][s] / gb[s] if s in r["seconds"] else None, order),
          ("peak RSS, MB", lambda r, s: r["peak_rss_mb"].get(s), cutover)]
width = (W - 3 * pad) / 2
for index, (title, value, names) in enumerate(panels):
    left, top, height = pad + index * (width + pad), 40, H - 80
    points = [value(r, s) for r in rows if r["stage"] in names for s in gb]
    top_value = max([p for p in points if p is not None] + [1]) * 1.15
    svg.append(f'<text x="{left + width / 2}" y="{top - 6}" text-anchor="middle">{title}</text>')
    svg.append(f'<rect x="{left}" y="{top}" width="{width}" height="{height}" fill="none" stroke="#333"/>')
    for k in range(5):
        v = top_value * k / 4
        y = top + height - v / top_value * height
        svg.append(f'<line x1="{left}" x2="{left + width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
        svg.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{v:.0f}</text>')
    for s in gb:
        x = px(gb[s], left + 20, width - 40)
        svg.append(f'<text x="{x:.1f}" y="{top + height + 16}" text-anchor="middle">{gb[s]:.2g} GB</text>')
    for r in rows:
        if r["stage"] not in names:
            continue
        pts = [(px(gb[s], left + 20, width - 40), top + height - value(r, s) / top_value * height)
               for s in gb if value(r, s) is not None]
        dash = ' stroke-dasharray="5,3"' if r["stage"] not in cutover else ""
        svg.append(f'<polyline fill="none" stroke="{colors[r["stage"]]}" stroke-width="2"{dash} points="'
                   + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
        for x, y in pts:
            svg.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colors[r["stage"]]}"/>')
legend_x = pad
for name in order:
    dash = ' stroke-dasharray="5,3"' if name not in cutover else ""
    svg.append(f'<line x1="{legend_x}" x2="{legend_x + 20}" y1="{H + 20}" y2="{H + 20}" stroke="{colors[name]}" stroke-width="2"{dash}/>')
    svg.append(f'<text x="{legend_x + 24}" y="{H + 24}">{name}</text>')
    legend_x += 40 + 8 * len(name)
svg.append("</svg>")
open(out + ".svg", "w").write("\n".join(svg) + "\n")
print(text)
print(f"written: {out}.md, .json and .svg")
sys.exit(1 if misses else 0)
