# Where the time of the iperfTZ TA data path goes, per buffer length
# (edgetee bench net --plot DIR). Left: µs per MiB the TA sent, stacked: the
# TA's own work (copying into the ring, the loop), its waits for the
# supplicant (ring full or empty, or a request's round trip: crossings and
# blocking) and the supplicant's time in socket syscalls (send/recv), which
# runs concurrently with the TA; the line is the wall time per MiB
# (1 / throughput): bars taller than the line mean the parts overlapped.
# Right: the same as a share of the wall time (per second of the run).
# Input: datafile = whitespace columns "len_bytes label ta_us wait_us ree_us
# wall_us crossings cpu_ta_us cpu_supp_us" (per MiB; comment header).
# Output: outbase.svg and outbase.png.
if (!exists("datafile")) datafile = 'results/net_time.csv'
if (!exists("outbase")) outbase = 'results/net_time'

z(v) = (v == v) ? v : 0
set grid ytics
set yrange [0:*]
set xrange [-0.6:*]
set boxwidth 0.6
set style fill solid 0.85 border -1
set datafile missing 'NaN'
set xlabel 'buffer length (-l)'
c_ree = '#9ecae1'; c_wait = '#fdae6b'; c_ta = '#31a354'

left = "set title 'µs per MiB sent (lower is better)'; set ylabel 'µs / MiB'; set key top right; \
  plot datafile using 0:(z($3)+z($4)+z($5)):xtic(2) with boxes lc rgb c_ree title 'REE socket syscalls (supplicant, concurrent)', \
  '' using 0:(z($3)+z($4)) with boxes lc rgb c_wait title 'TA waiting for the supplicant', \
  '' using 0:(z($3)) with boxes lc rgb c_ta title 'in the TA (copy into the ring, loop)', \
  '' using 0:6 with linespoints lw 2 pt 7 lc rgb 'black' title 'wall time (1 / throughput)'"
right = "set title 'share of the run''s wall time'; set ylabel '% of wall time'; unset key; \
  plot datafile using 0:(100*(z($3)+z($4)+z($5))/$6):xtic(2) with boxes lc rgb c_ree notitle, \
  '' using 0:(100*(z($3)+z($4))/$6) with boxes lc rgb c_wait notitle, \
  '' using 0:(100*z($3)/$6) with boxes lc rgb c_ta notitle"

draw = "set multiplot layout 1,2 title 'edgetee iperfTZ: where the TA data path''s time goes (TCP, loopback)'; \
  eval left; eval right; unset multiplot"

set terminal svg size 1100,480 dynamic enhanced font 'sans,11'
set output outbase.'.svg'
eval draw
set terminal pngcairo size 1100,480 enhanced font 'sans,9'
set output outbase.'.png'
eval draw
