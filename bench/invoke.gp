# Invocation path latencies (edgetee bench invoke): p50 and p99 per case,
# log scale, raw IPC first as the physical limit.
# Input: datafile = CSV "case,p50_us,p99_us" with a header line.
# Output: outbase.svg and outbase.png.
if (!exists("datafile")) datafile = 'results/invoke.csv'
if (!exists("outbase")) outbase = 'results/invoke'

set datafile separator ','
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set logscale y
set ylabel 'latency (µs, log scale)'
set title 'edgetee: cost of one call into a TA (lower is better)'
set xtics rotate by -30 nomirror
set grid ytics
set key top left
set yrange [0.1:*]

do for [fmt in "svg png"] {
	if (fmt eq "svg") { set terminal svg size 900,500 dynamic font 'Helvetica,12' }
	if (fmt eq "png") { set terminal pngcairo size 900,500 font 'Helvetica,10' }
	set output outbase.'.'.fmt
	plot datafile using 2:xtic(1) skip 1 title 'p50', \
	     '' using 3 skip 1 title 'p99'
}
