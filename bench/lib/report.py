#!/usr/bin/env python3
"""bench/lib/report.py WORK OUT_BASE RSS_BAR_MB

Reads what bench/run left in WORK (stages.tsv, results/*.json from hyperfine, rss/*.txt
from GNU time, splits/, run.json), prints the ratio table, writes OUT_BASE.md and
OUT_BASE.json, and exits 1 when a bar is missed or a measured command failed.
"""
import json
import os
import re
import statistics
import sys

work, out_base, rss_bar_mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
run = json.load(open(os.path.join(work, "run.json")))


def measurement(name):
    """Median/min/max of a hyperfine result, 'failed', or None when never measured."""
    path = os.path.join(work, "results", name + ".json")
    if os.path.exists(path):
        result = json.load(open(path))["results"][0]
        times = result["times"]
        return {
            "median": statistics.median(times),
            "min": min(times),
            "max": max(times),
            "mean": statistics.mean(times),
            "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
            "times": times,
        }
    if os.path.exists(os.path.join(work, "results", name + ".failed")):
        return "failed"
    return None


def peak_rss_mb(name):
    path = os.path.join(work, "rss", name + ".txt")
    if not os.path.exists(path):
        return None
    kbytes = [int(m) for m in re.findall(r"Maximum resident set size \(kbytes\): (\d+)", open(path).read())]
    return max(kbytes) * 1024 / 1e6 if kbytes else None


def seconds(m):
    if m is None:
        return "—"
    if m == "failed":
        return "FAILED"
    if len(m["times"]) == 1:
        return f"{m['median']:.1f} s" + (" [1 run]" if run["runs"] > 1 else "")
    return f"{m['median']:.1f} s ({m['min']:.1f}–{m['max']:.1f})"


stages, comparisons, rss_rows, misses, failures, unjudged = [], [], [], [], [], []
for line in open(os.path.join(work, "stages.tsv")):
    stage, needs, built, command, baselines = line.rstrip("\n").split("\t")
    built = built == "yes"
    cutover = measurement(command) if built else None
    stages.append({"stage": stage, "needs": needs, "built": built, "command": command})
    if built and cutover == "failed":
        failures.append(f"{stage}: `{command}` failed (bench/work/logs/{command}.log)")
    for baseline in baselines.split():
        if baseline == "-":
            continue
        name, _, bar = baseline.partition(":")
        bar = None if bar in ("", "-") else float(bar)
        base = measurement(name)
        if base == "failed":
            failures.append(f"{stage}: baseline `{name}` failed (bench/work/logs/{name}.log)")
        ratio = None
        if isinstance(cutover, dict) and isinstance(base, dict) and base["median"] > 0:
            ratio = cutover["median"] / base["median"]
        if not built:
            verdict = "not built yet"
        elif ratio is None:
            verdict = "failed"
        elif bar is None:
            verdict = "reference"
        elif ratio <= bar:
            verdict = "ok"
        else:
            verdict = "MISSED"
            misses.append(f"{stage}: {ratio:.2f}× {name} (bar ≤ {bar:g}×)")
        comparisons.append({"stage": stage, "cutover": command, "cutover_seconds": cutover,
                            "baseline": name, "baseline_seconds": base, "ratio": ratio,
                            "bar": bar, "verdict": verdict})
    if built:
        rss = peak_rss_mb(command)
        verdict = "failed" if rss is None else ("ok" if rss <= rss_bar_mb else "MISSED")
        if verdict == "MISSED":
            misses.append(f"{stage}: peak RSS {rss:.0f} MB (bar ≤ {rss_bar_mb:g} MB)")
        rss_rows.append({"stage": stage, "peak_rss_mb": rss, "bar_mb": rss_bar_mb, "verdict": verdict})
    else:
        rss_rows.append({"stage": stage, "peak_rss_mb": None, "bar_mb": rss_bar_mb, "verdict": "not built yet"})

splits_path = os.path.join(work, "splits", "bare_load.tsv")
bare_split = None
if os.path.exists(splits_path):
    pairs = [tuple(map(float, l.split())) for l in open(splits_path) if l.strip()]
    if pairs:
        bare_split = {"load_median": statistics.median(p[0] for p in pairs),
                      "post_data_median": statistics.median(p[1] for p in pairs)}

d = run["dataset"]
mb = lambda b: f"{b / 1e6:,.0f} MB"
sizes = [("COPY text of every table (the dataset)", d["copy_text_bytes"]),
         ("the source database on disk", d["database_bytes"]),
         ("cutover export chunks (zstd)", run["export_chunk_bytes"]),
         ("cutover parity rows files (zstd)", run.get("export_parity_bytes")),
         ("pg_dump -Fd directory (gzip)", run["pg_dump_bytes"]),
         ("COPY text through zstd -3, per table", d["copy_zstd3_bytes"])]

lines = []
w = lines.append
kind = f"{run['runs']} run(s)" + (" — quick check of the harness, small scale: timings not meaningful" if run["quick"] else "")
w(f"# cutover benchmark — {run['started']}")
w("")
w(f"{kind}; commit {run['commit']}; {run['machine']['cores']} cores, {run['machine']['ram_mb'] / 1024:.0f} GiB RAM; "
  f"PostgreSQL {run['machine']['server']} (defaults, shared_buffers {run['machine']['shared_buffers_mb']} MB, "
  f"max_wal_size {run['machine']['max_wal_size_mb']} MB); {run['jobs']} jobs everywhere.")
w("")
w(f"Dataset: {d['kind']} at scale {d['scale']:g} (seed {d['seed']}): **{mb(d['copy_text_bytes'])} of COPY text**, "
  f"{d['rows']:,} rows in {d['tables']} tables; largest {d['largest_table']} "
  f"{mb(d['largest_table_bytes'])} ({100 * d['largest_table_bytes'] / max(d['copy_text_bytes'], 1):.0f} %); "
  f"filled in {d['fill_seconds']:g} s.")
em = run.get("export_manifest") or {}
if em:
    w(f"The export covered {em['tables']} tables, {em['rows']:,} rows, {mb(em['copy_text_bytes'])} of COPY text "
      f"(the floors read all {d['tables']} tables, {d['rows']:,} rows).")
w(f"cutover subcommands found: {run['cutover_subcommands']}.")
w("")
w("Times are medians over the runs, (min–max) beside them; ratio = cutover median ÷ baseline median. "
  "Baselines of stages not built yet are measured all the same, once, for reference.")
w("")
w("| stage | cutover | baseline | baseline time | ratio | bar | |")
w("|---|---|---|---|---|---|---|")
for c in comparisons:
    cut = seconds(c["cutover_seconds"]) if c["verdict"] != "not built yet" else "not built yet"
    ratio = f"{c['ratio']:.2f}×" if c["ratio"] is not None else "—"
    bar = f"≤ {c['bar']:g}×" if c["bar"] is not None else "(reference)"
    w(f"| {c['stage']} | {cut} | {c['baseline']} | {seconds(c['baseline_seconds'])} | {ratio} | {bar} | {c['verdict']} |")
for s in stages:
    if not any(c["stage"] == s["stage"] for c in comparisons):
        m = measurement(s["command"]) if s["built"] else None
        w(f"| {s['stage']} | {seconds(m) if s['built'] else 'not built yet'} | — | — | — | — | "
          f"{'measured' if s['built'] else 'not built yet'} |")
w("")
w(f"Peak RSS of each cutover process (GNU time, bar ≤ {rss_bar_mb:g} MB):")
w("")
w("| stage | peak RSS | |")
w("|---|---|---|")
for r in rss_rows:
    value = f"{r['peak_rss_mb']:.0f} MB" if r["peak_rss_mb"] is not None else "—"
    w(f"| {r['stage']} | {value} | {r['verdict']} |")
w("")
extra = run.get("extra_datasets") or {}
throughput = [("export", "cutover_export", "copy_floor", d["copy_text_bytes"], d["largest_table_bytes"],
               run.get("export_raw_chunk_bytes"), f"{d['kind']} (main)")]
for key, data, label in (("app", "app", ""), ("skewed", "skewed", ""), ("app_fast", "app", ", --level=-5")):
    if data in extra:
        e = extra[data]
        throughput.append((f"export-{key.replace('_', '-')}", f"cutover_export_{key}", f"copy_floor_{data}",
                           e["copy_text_bytes"], e["largest_table_bytes"], run.get(f"export_{key}_chunk_bytes"),
                           f"{data} (app-shaped, scale {extra['scale']}{label})"))
rows_t = []
for stage, command, floor, size, largest, chunks, label in throughput:
    m, f = measurement(command), measurement(floor)
    if not isinstance(m, dict):
        continue
    rows_t.append({"stage": stage, "dataset": label, "copy_text_bytes": size,
                   "largest_share": largest / size if size else None,
                   "seconds": m["median"], "mb_per_s": size / 1e6 / m["median"],
                   "floor_mb_per_s": size / 1e6 / f["median"] if isinstance(f, dict) else None,
                   "compression": size / chunks if chunks else None})
if rows_t:
    w("Export throughput (COPY text per second of the median run; compression = COPY text ÷ chunk bytes):")
    w("")
    w("| stage | dataset | COPY text | largest table | cutover MB/s | floor MB/s | compression |")
    w("|---|---|---|---|---|---|---|")
    for r in rows_t:
        w(f"| {r['stage']} | {r['dataset']} | {mb(r['copy_text_bytes'])} | {100 * r['largest_share']:.0f} % | "
          f"{r['mb_per_s']:.0f} | {r['floor_mb_per_s']:.0f} | "
          + (f"{r['compression']:.2f}×" if r["compression"] else "—") + " |")
    w("")
b = run.get("end_to_end_breakdown") or {}
if b.get("steps"):
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in b["steps"].items() if v is not None)
    w(f"Where the last end-to-end run's time went (run.jsonl): {steps}"
      + (" (the import runs beside the export: their times overlap)." if "import" in b["steps"] and "export" in b["steps"] else "."))
    if b.get("export_snapshot_checks_seconds") is not None:
        policy = b.get("export_policy_sample_seconds")
        split = f" ({policy:.1f} s of them the policy sample)" if policy is not None else ""
        w(f"Of the export, {b['export_snapshot_checks_seconds']:.1f} s were the source digests and the policy sample "
          f"in the snapshot, after the copy{split}.")
    if b.get("verify_phases"):
        w("Verify's phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(b["verify_phases"].items())) + ".")
    w("")
w("Sizes:")
w("")
w("| what | bytes | ÷ COPY text |")
w("|---|---|---|")
for label, value in sizes:
    ratio = f"{value / d['copy_text_bytes']:.2f}" if value and d["copy_text_bytes"] else "—"
    w(f"| {label} | {mb(value) if value else '—'} | {ratio} |")
w("")
if bare_split:
    w(f"bare_load halves (medians): COPY FROM two tables at a time {bare_split['load_median']:.1f} s, "
      f"then indexes and constraints (pg_restore --section=post-data -j 2) {bare_split['post_data_median']:.1f} s.")
    w("")
w(f"Wall time {run['wall_seconds'] / 60:.1f} min (release build {run['build_seconds']} s); "
  f"free disk fell by at most {mb(run['disk_peak_used_bytes'])} during the run (sampled every 2 s; "
  f"other processes on the disk count too).")
w("")
if run["quick"] and misses:
    w("Quick run: the timings of a tiny dataset are dominated by fixed costs, so its bars are shown "
      "but not judged (exit status 0 unless a command failed). Would-be misses:")
    for item in misses:
        w(f"- {item}")
    w("")
    unjudged, misses = misses, []
if failures or misses:
    w("**Result: " + ("bars missed" if misses else "") + (" and " if misses and failures else "")
      + ("measurements failed" if failures else "") + ".**")
    for item in failures + misses:
        w(f"- {item}")
elif run["quick"]:
    w("**Result (quick): every command ran; bars not judged.**")
else:
    w("**Result: every bar of the stages that exist is met.**")
text = "\n".join(lines) + "\n"

with open(out_base + ".md", "w") as f:
    f.write(text)
with open(out_base + ".json", "w") as f:
    json.dump({"run": run, "stages": stages, "comparisons": comparisons, "rss": rss_rows,
               "bare_load_split": bare_split, "export_throughput": rows_t,
               "measurements": {os.path.basename(p)[:-5]: measurement(os.path.basename(p)[:-5])
                                for p in sorted(os.listdir(os.path.join(work, "results"))) if p.endswith(".json")},
               "misses": misses, "quick_unjudged_misses": unjudged, "failures": failures}, f, indent=2)
    f.write("\n")
print(text)
print(f"written: {out_base}.md and .json")
sys.exit(1 if misses or failures else 0)
