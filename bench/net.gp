# iperfTZ throughput by buffer length (edgetee bench net), as in the
# iperfTZ paper: TCP over loopback, the TA data path (GP Sockets API), the
# same loop natively (--ree) and a stock iperf3 client, log-x.
# Input: datafile = whitespace columns "len_bytes ta_gbps ree_gbps iperf3_gbps"
# (comment header). Output: outbase.svg and outbase.png.
if (!exists("datafile")) datafile = 'results/net.csv'
if (!exists("outbase")) outbase = 'results/net'

set logscale x 2
set xlabel 'buffer length (-l)'
set ylabel 'throughput (Gbit/s)'
set title 'edgetee iperfTZ: TCP throughput over loopback (higher is better)'
set xtics ("1K" 1024, "4K" 4096, "16K" 16384, "64K" 65536, "128K" 131072, \
           "512K" 524288, "1M" 1048576)
set grid
set key top left
set yrange [0:*]
set datafile missing 'NaN'

plot_it = "plot datafile using 1:4 with linespoints lw 2 pt 7 title 'stock iperf3', \
     '' using 1:3 with linespoints lw 2 pt 5 title 'edgetee iperf --ree (native)', \
     '' using 1:2 with linespoints lw 2 pt 9 title 'edgetee iperf (iperfTZ TA)'"

set terminal svg size 800,500 dynamic enhanced font 'sans,12'
set output outbase.'.svg'
eval plot_it
set terminal pngcairo size 800,500 enhanced font 'sans,10'
set output outbase.'.png'
eval plot_it
