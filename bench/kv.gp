# Key-value store throughput-latency curves (edgetee bench kv --plot DIR),
# like Fig. 2 of the DAIS 2019 TrustZone study: one panel per transport,
# one line per workload, p50 latency against achieved throughput (log-log).
# Points climb to the right until the store saturates, then latency rises
# (queueing) while throughput stays.
# Input: datafile = blocks "offered achieved p50_us p99_us", index
#        transport*5 + workload (transports ree whole partial temp; workloads
#        PUT GET DEL MIX20 MIX50). Output: outbase.svg and outbase.png.
if (!exists("datafile")) datafile = 'results/kv.dat'
if (!exists("outbase")) outbase = 'results/kv'

ops = "PUT GET DEL MIX20 MIX50"
panels = "REE (same table, no TEE)|whole shared memory|partial shared memory|temporary memref"

set logscale xy
set grid xtics ytics
set key top left
set xlabel 'achieved throughput (op/s)'
set ylabel 'p50 latency (µs)'
set format x '10^{%L}'

do for [fmt in "svg png"] {
	if (fmt eq "svg") { set terminal svg size 1100,800 dynamic font 'Helvetica,11' }
	if (fmt eq "png") { set terminal pngcairo size 1100,800 font 'Helvetica,9' }
	set output outbase.'.'.fmt
	set multiplot layout 2,2 title 'edgetee key-value store: 1 KiB values, open loop (edgetee bench kv)'
	do for [t=0:3] {
		p = t + 1
		set title (p == 1 ? 'REE (same table, no TEE)' : p == 2 ? 'whole shared memory' : p == 3 ? 'partial shared memory' : 'temporary memref')
		plot for [o=0:4] datafile index (t*5 + o) using 2:3 with linespoints pt (o+4) ps 0.6 title word(ops, o+1)
	}
	unset multiplot
}
