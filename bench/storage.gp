# GP Trusted Storage benchmark (edgetee bench storage --plot DIR), like
# Fig. 3 of the DAIS 2019 TrustZone study: OP-TEE xtest's WRITE, READ and
# REWRITE of one object in 1 KiB chunks, by data size, in the TEE (GP
# Trusted Storage in a TA) and in the REE baseline (plain file, AES-256-GCM
# per chunk, fdatasync per chunk write). Left: time, right: throughput.
# Input: datafile = blocks "size_B tee_s ree_s tee_kBps ree_kBps", index
#        0 WRITE, 1 READ, 2 REWRITE. Output: outbase.svg and outbase.png.
if (!exists("datafile")) datafile = 'results/storage.dat'
if (!exists("outbase")) outbase = 'results/storage'

ops = "WRITE READ REWRITE"

set logscale xy
set grid xtics ytics
set key top left
set xlabel 'data size (bytes)'
set xrange [200:1400000]
set format y '10^{%L}'
set xtics ("256" 256, "1K" 1024, "4K" 4096, "16K" 16384, "64K" 65536, "256K" 262144, "1M" 1048576)

do for [fmt in "svg png"] {
	if (fmt eq "svg") { set terminal svg size 1200,500 dynamic font 'Helvetica,11' }
	if (fmt eq "png") { set terminal pngcairo size 1200,500 font 'Helvetica,9' }
	set output outbase.'.'.fmt
	set multiplot layout 1,2 title 'edgetee GP Trusted Storage vs REE AES-GCM file: xtest storage benchmark, 1 KiB chunks (edgetee bench storage)'
	set title 'time'
	set ylabel 'time (s)'
	plot for [o=0:2] datafile index o using 1:2 with linespoints lt (o+1) pt 7 ps 0.6 title 'TEE '.word(ops, o+1), \
	     for [o=0:2] datafile index o using 1:3 with linespoints lt (o+1) dt 2 pt 6 ps 0.6 title 'REE '.word(ops, o+1)
	set title 'throughput'
	set ylabel 'speed (kB/s, kB = 1024 B)'
	set key bottom right
	plot for [o=0:2] datafile index o using 1:4 with linespoints lt (o+1) pt 7 ps 0.6 title 'TEE '.word(ops, o+1), \
	     for [o=0:2] datafile index o using 1:5 with linespoints lt (o+1) dt 2 pt 6 ps 0.6 title 'REE '.word(ops, o+1)
	set key top left
	unset multiplot
}
